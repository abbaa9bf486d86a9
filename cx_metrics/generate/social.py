"""Social listening: mentions of the brand, a few matched to a customer."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cx_metrics.generate.arrow import build_table, categorical, id_width, padded_ids, timestamps
from cx_metrics.generate.commerce import Customers
from cx_metrics.generate.common import Period, existing_customer, loaded_at, sample_times
from cx_metrics.generate.params import (
    PLATFORM_MIX,
    PLATFORMS,
    RECOMMENDATION_P,
    SENTIMENT_MIX,
    SENTIMENTS,
    SOCIAL_MATCHED_SHARE,
    SOCIAL_MENTIONS_PER_CUSTOMER_PER_30D,
)


def social_mentions(rng: np.random.Generator, period: Period, customers: Customers) -> pa.Table:
    """Mentions from the listening tool: ~customers/20 per 30 days, a few matched to a customer."""
    n = round(period.customers * SOCIAL_MENTIONS_PER_CUSTOMER_PER_30D * period.days / 30)
    posted = np.sort(sample_times(rng, n, period.first_day, period.days))
    sentiment = rng.choice(len(SENTIMENTS), n, p=SENTIMENT_MIX)
    matched = rng.random(n) < SOCIAL_MATCHED_SHARE
    customer = np.where(matched, existing_customer(rng, customers.created, posted), -1)
    return build_table(
        "social_mentions",
        {
            "mention_id": padded_ids("SM-", np.arange(1, n + 1), id_width(n, 7)),
            "platform": categorical(PLATFORMS, rng.choice(len(PLATFORMS), n, p=PLATFORM_MIX)),
            "customer_id": customers.ids(customer),
            "posted_at": timestamps(posted),
            "sentiment": categorical(SENTIMENTS, sentiment),
            "is_recommendation": pa.array(rng.random(n) < RECOMMENDATION_P[sentiment]),
            "_loaded_at": timestamps(loaded_at(posted)),
        },
    )
