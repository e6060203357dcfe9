"""One row per queue per interval: select from marts.kpi_queue_interval."""

from _warehouse import write_csv

write_csv(
    """
select
    -- keys
    queue_id,
    date_local,
    interval_time_local,
    interval_start_local,
    -- counts
    calls_offered,
    calls_answered,
    calls_abandoned,
    max_wait_seconds,
    -- ratios, as additive numerators and denominators
    service_level_numerator,
    service_level_denominator,
    abandonment_rate_numerator,
    abandonment_rate_denominator,
    asa_seconds_numerator,
    asa_seconds_denominator,
    aht_seconds_numerator,
    aht_seconds_denominator
from marts.kpi_queue_interval
order by interval_start_at, queue_id
"""
)
