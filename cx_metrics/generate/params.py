"""Every tunable of the generator: volumes, mixes, delays, named codes.

Codes are small integers indexing the tuples beside them (``PHONE`` indexes
``CHANNELS``); enum values come from the contract so the raw tables always hold
values staging knows.
"""

from __future__ import annotations

import numpy as np

from cx_metrics import contract

# Hand-laid tables (hourly profile, per-channel rows) read better than one value a line.
# fmt: off
DAY = 86_400
HOUR = 3_600
MINUTE = 60

# ---------------------------------------------------------------- volumes
CONTACTS_PER_CUSTOMER_PER_30D = 0.35
# all contacts / first contacts (repeats add ~22 %); first contacts = target / this
REPEAT_MULTIPLIER = 1.22
ORDER_TRIGGERED_SHARE = 0.30  # first contacts asking for help with a recent order
UNKNOWN_CUSTOMER_SHARE = 0.025  # of first contacts; ~2 % of all
CUSTOMERS_PER_AGENT = 400
MIN_AGENTS = 12
CUSTOMER_HISTORY_DAYS = 4 * 365
CUSTOMERS_NEW_IN_PERIOD = 0.08
INSTALLED_BASE_DAYS = 365
ORDERS_PER_YEAR = np.array([0.45, 1.5, 4.0])  # by segment
EXTRA_UNITS_MEAN = np.array([0.12, 0.8, 3.0])  # quantity = 1 + Poisson(this), by segment
DISCOUNT_PERCENT = np.array([0, 10, 20])
DISCOUNT_MIX = (0.80, 0.15, 0.05)
SOCIAL_MENTIONS_PER_CUSTOMER_PER_30D = 1 / 20
OUTBOUND_SHARE_OF_LEGS = 0.08

# ---------------------------------------------------------------- reference data
SEGMENTS = contract.ENUMS["segment"]
SEGMENT_MIX = (0.80, 0.15, 0.05)
ENTERPRISE = SEGMENTS.index("enterprise")
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "CA", "AU", "SE", "IE", "BE")
COUNTRY_MIX = (0.33, 0.12, 0.12, 0.08, 0.05, 0.06, 0.05, 0.07, 0.05, 0.03, 0.02, 0.02)
# name, category, list price in cents, launched days before the period, sales share
PRODUCTS = (
    ("Lumo Mini", "smart_speaker", 3_900, 1_400, 0.16),
    ("Lumo One", "smart_speaker", 9_900, 1_100, 0.12),
    ("Lumo Max", "smart_speaker", 19_900, 700, 0.05),
    ("Vigil Indoor Cam", "camera", 5_900, 1_200, 0.11),
    ("Vigil Outdoor Cam", "camera", 14_900, 900, 0.08),
    ("Vigil Doorbell", "camera", 17_900, 600, 0.07),
    ("Therma Smart", "thermostat", 12_900, 1_300, 0.09),
    ("Therma Pro", "thermostat", 24_900, 800, 0.05),
    ("Therma Room Sensor", "thermostat", 2_900, 1_000, 0.10),
    ("Nexus Hub", "hub", 8_900, 1_500, 0.07),
    ("Nexus Hub Pro", "hub", 34_900, 500, 0.03),
    ("Nexus Bridge", "hub", 4_900, 450, 0.07),
)
PRODUCT_SHARE = np.array([p[4] for p in PRODUCTS]) / sum(p[4] for p in PRODUCTS)
TEAMS = ("tier1", "tier2", "billing", "social")
TIER1, TIER2, BILLING_TEAM, SOCIAL_TEAM = range(4)
TEAM_SHARE = (0.50, 0.22, 0.16, 0.12)
SITES = ("lisbon", "manila", "austin")
SITE_MIX = (0.40, 0.35, 0.25)
SITE_HOURLY_COST = np.array([36.0, 27.0, 48.0])
TEAM_COST_PREMIUM = np.array([0.0, 7.0, 3.0, 1.0])
AGENTS_HIRED_IN_PERIOD = 0.08
AGENTS_TERMINATED_IN_PERIOD = 0.05
CORE_AGENTS_PER_TEAM = 2  # employed throughout, so every team can always answer
FIRST_NAMES = (
    "Ana", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jon",
    "Kiri", "Luis", "Maya", "Nils", "Olga", "Paulo", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Marco", "Joy", "Rafael", "Lena",
)
LAST_NAMES = (
    "Silva", "Reyes", "Okafor", "Müller", "Santos", "Dubois", "Novak", "Costa", "Smith",
    "Garcia", "Lind", "Tanaka", "Cruz", "Rossi", "Bauer", "Walsh", "Mendoza", "Ferreira",
    "Khan", "Larsen", "Bautista", "Nguyen", "Moreau", "Kowalski", "Evans", "Pereira",
)

# ---------------------------------------------------------------- contacts
CHANNELS = ("phone", "email", "chat", "web", "social")
PHONE, EMAIL, CHAT, WEB, SOCIAL = range(5)
CHANNEL_MIX = (0.45, 0.25, 0.20, 0.07, 0.03)
CATEGORIES = contract.ENUMS["category"]  # setup, connectivity, billing, returns, account, other
CATEGORY_MIX = (0.26, 0.20, 0.16, 0.08, 0.12, 0.18)
TRIGGERED_CATEGORY_MIX = (0.50, 0.25, 0.05, 0.10, 0.00, 0.10)
PRODUCT_CATEGORY = np.array([True, True, False, True, False, False])  # issue is about a device
PRODUCT_NAMED_P = np.where(PRODUCT_CATEGORY, 0.85, 0.20)
# UTC arrivals by hour: peaks late morning and early afternoon, quiet nights
HOURLY_PROFILE = np.array([
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.40, 0.70, 1.00, 1.30, 1.50, 1.45,
    1.20, 1.35, 1.45, 1.30, 1.10, 0.90, 0.75, 0.60, 0.50, 0.40, 0.30, 0.20,
])
HOURLY_P = HOURLY_PROFILE / HOURLY_PROFILE.sum()
# queue load an arrival meets, 1 on average: busy hours wait longer
HOURLY_LOAD = np.clip(HOURLY_PROFILE / (HOURLY_PROFILE @ HOURLY_P), 0.4, 1.8)
WEEKEND_WEIGHT = 0.4

# contact outcomes (the first three equal the disposition codes)
RESOLVED, FOLLOW_UP, ESCALATED, ABANDONED, REOPENED, UNSOLVED = range(6)
DISPOSITIONS = contract.ENUMS["disposition"]
DISPOSITION_MIX = (0.75, 0.18, 0.07)
TICKET_OUTCOMES = np.array([RESOLVED, REOPENED, UNSOLVED])
TICKET_OUTCOME_MIX = (0.80, 0.105, 0.095)
# probability that a contact brings the same customer back about the same category
REPEAT_PROB = np.array([0.06, 0.65, 0.70, 0.70, 0.65, 0.60])
REPEAT_WINDOW = 7 * DAY
SAME_CHANNEL_P = 0.60
ABANDON_SAME_CHANNEL_P = 0.85
ABANDON_CALLBACK_MEDIAN = 40 * MINUTE
UNRESOLVED_REPEAT_MEDIAN = 30 * HOUR
MAX_REPEAT_GENERATIONS = 8

# ---------------------------------------------------------------- phone
QUEUES = ("general", "billing", "technical", "vip")
GENERAL, BILLING_Q, TECHNICAL, VIP = range(4)
# the seed seeds/queue_categories.csv: general->other, billing->billing, technical->setup, vip->account
QUEUE_DEFAULT_CATEGORY = np.array([CATEGORIES.index(c) for c in ("other", "billing", "setup", "account")])
CATEGORY_QUEUE = np.array([TECHNICAL, TECHNICAL, BILLING_Q, BILLING_Q, GENERAL, GENERAL])
QUEUE_TEAM = np.array([TIER1, BILLING_TEAM, TIER2, TIER2])
TRANSFER_QUEUE_MIX = (0.10, 0.30, 0.45, 0.15)
OUTBOUND_QUEUE_MIX = (0.50, 0.20, 0.30)  # general, billing, technical
VIP_SHARE = 0.70  # enterprise callers routed to the vip queue
FAST_ANSWER_SHARE = 0.80  # answered within 1-15 s at average load
FAST_ANSWER_LOAD_SLOPE = 0.15
SLOW_WAIT_MEDIAN = 30.0
SLOW_WAIT_SIGMA = 1.0
PATIENCE_MEAN = 300.0  # seconds a caller waits before hanging up (exponential)
SHORT_ABANDON_SHARE = 0.015  # hang up within 5 s (misdials)
TRANSFER_P = 0.10
SECOND_TRANSFER_P = 0.05
TRANSFERRED_ABANDON_P = 0.04
CASE_SHARE = 0.60  # handled chains whose agent attaches a ticket
CASE_ON_LATER_LEG_P = 0.5
TALK_MEDIAN = 240.0
TALK_SIGMA = 0.7
CATEGORY_TALK_FACTOR = np.array([1.25, 1.20, 0.85, 0.90, 0.90, 0.95])
TRANSFERRED_TALK_FACTOR = 0.5
UNRESOLVED_TALK_FACTOR = 1.15
HOLD_SHARE = 0.35
HOLD_MEDIAN = 40.0
HOLD_SIGMA = 0.7
ACW_MEDIAN = 60.0
ACW_SIGMA = 0.5

# ---------------------------------------------------------------- helpdesk
EVENT_TYPES = contract.ENUMS["event_type"]
CREATED, AGENT_REPLY, CUSTOMER_REPLY, INTERNAL_NOTE, STATUS_CHANGE, ASSIGNED = range(6)
STATUSES = contract.ENUMS["ticket_status"]
NEW, OPEN, PENDING, SOLVED, CLOSED = range(5)
PRIORITIES = contract.ENUMS["priority"]
PRIORITY_MIX = (0.22, 0.60, 0.14, 0.04)
ENTERPRISE_PRIORITY_MIX = (0.05, 0.50, 0.30, 0.15)
# per channel (phone, email, chat, web, social), seconds
ASSIGN_DELAY_MEDIAN = np.array([60, 600, 20, 600, 300])
FIRST_REPLY_MEDIAN = np.array([600, 9_000, 90, 9_000, 2_400])
AGENT_DELAY_MEDIAN = np.array([3_600, 10_800, 60, 10_800, 1_800])
CUSTOMER_DELAY_MEDIAN = np.array([3_600, 18_000, 60, 21_600, 5_400])
DELAY_SIGMA = np.array([0.8, 1.0, 0.6, 1.0, 0.9])
REPLY_WORK_MEDIAN = np.array([330, 330, 120, 330, 240])
ROUND_PROBS = np.array([
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.15, 0.25, 0.25, 0.18, 0.10, 0.07],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
])
NOTE_P = 0.25
NOTE_WORK_MEDIAN = 90
REOPEN_DELAY_MEDIAN = 20 * HOUR
CLOSE_AFTER = 4 * DAY
FOLLOW_UP_MEDIAN = 20 * HOUR
FOLLOW_UP_SOLVE_P = 0.80
ESCALATION_SOLVE_P = 0.70
UNSOLVED_CUSTOMER_REPLY_P = 0.5

# ---------------------------------------------------------------- experience
SURVEY_TYPES = contract.ENUMS["survey_type"]  # nps, csat, ces
SURVEY_TYPE_MIX = (0.15, 0.70, 0.15)
TRANSACTIONAL_SURVEY_SHARE = 0.15
RELATIONSHIP_NPS_SHARE_PER_30D = 0.05
RESPONSE_DELAY_MEDIAN = 3 * HOUR
# a latent satisfaction z ~ N(mu, 1) is mapped onto each scale
MU_RESOLVED = 1.35
MU_UNRESOLVED = -0.25
WAIT_PENALTY = 0.3  # per log1p(wait minutes)
RELATIONSHIP_MU = 0.55
RELATIONSHIP_SIGMA = 1.1
CSAT_CUTS = np.array([-1.2, -0.6, 0.0, 0.9])
NPS_CENTER, NPS_SPREAD = 7.2, 1.7
CES_CENTER, CES_SPREAD = 4.3, 1.0
COMMENT_P = 0.35
COMMENTS = (
    ("Slow and I had to explain everything twice.", "Still not fixed.",
     "Nobody called me back.", "The wait was far too long."),
    ("It was okay.", "Took a while but it works now.", "Fine, nothing special."),
    ("Quick and friendly help.", "Solved on the first try, thanks!",
     "The agent knew exactly what to do.", "Great service."),
)
QA_SHARE = 0.03
EMPATHY_MIX = (0.03, 0.07, 0.25, 0.40, 0.25)
COMPLIANCE_P = 0.90

# ---------------------------------------------------------------- commerce and social
RETURN_REASONS = contract.ENUMS["return_reason"]  # defective, could_not_set_up, changed_mind, other
NO_FAULT_RETURN_P = (0.06, 0.03)  # could_not_set_up: orders without / with a contact soon after
OTHER_RETURN_P = (0.020, 0.012, 0.003)  # defective, changed_mind, other
RETURN_WINDOW = 30 * DAY
RETURN_DELAY_MEDIAN = np.array([14 * DAY, 6 * DAY, 10 * DAY, 12 * DAY])
CHANGED_MIND_REFUND_SHARE = 0.85
PLATFORMS = ("twitter", "facebook", "instagram", "reviews")
PLATFORM_MIX = (0.40, 0.25, 0.20, 0.15)
SENTIMENTS = contract.ENUMS["sentiment"]  # positive, neutral, negative
SENTIMENT_MIX = (0.40, 0.35, 0.25)
RECOMMENDATION_P = np.array([0.45, 0.10, 0.35])
SOCIAL_MATCHED_SHARE = 0.10
# fmt: on
