"""One row per queue per local day: select from marts.kpi_queue_daily."""

from _warehouse import write_csv

write_csv(
    """
select
    -- keys
    daily.queue_id,
    coalesce(queues.queue_name, daily.queue_id) as queue_name,
    daily.site_id,
    daily.date_local,
    -- counts
    daily.calls_offered,
    daily.calls_answered,
    daily.calls_abandoned,
    daily.calls_short_abandoned,
    daily.max_wait_seconds,
    -- ratios, as additive numerators and denominators
    daily.service_level_numerator,
    daily.service_level_denominator,
    daily.abandonment_rate_numerator,
    daily.abandonment_rate_denominator,
    daily.short_abandon_rate_numerator,
    daily.short_abandon_rate_denominator,
    daily.asa_seconds_numerator,
    daily.asa_seconds_denominator,
    daily.aht_seconds_numerator,
    daily.aht_seconds_denominator,
    -- target in force that day
    daily.service_level_target
from marts.kpi_queue_daily as daily
left join marts.dim_queues as queues
    on daily.queue_id = queues.queue_id
order by daily.date_local, daily.queue_id
"""
)
