-- Events through the relay and each consumer in a fresh benchmark database: how many, how
-- fast, and how far behind the order that caused them (lag = when handled − when written).
\pset footer off
SELECT 'relay → JetStream' AS stage,
       count(*) AS events,
       round(count(*) / greatest(EXTRACT(EPOCH FROM max(published_at) - min(created_at)), 0.001)) AS per_s,
       round((percentile_cont(0.50) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM published_at - created_at)) * 1000)::numeric, 1) AS lag_p50_ms,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM published_at - created_at)) * 1000)::numeric, 1) AS lag_p95_ms,
       round((max(EXTRACT(EPOCH FROM published_at - created_at)) * 1000)::numeric, 1) AS lag_max_ms
FROM outbox WHERE published_at IS NOT NULL
UNION ALL
SELECT 'consumer ' || p.consumer,
       count(*),
       round(count(*) / greatest(EXTRACT(EPOCH FROM max(p.processed_at) - min(o.created_at)), 0.001)),
       round((percentile_cont(0.50) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM p.processed_at - o.created_at)) * 1000)::numeric, 1),
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM p.processed_at - o.created_at)) * 1000)::numeric, 1),
       round((max(EXTRACT(EPOCH FROM p.processed_at - o.created_at)) * 1000)::numeric, 1)
FROM processed_events p JOIN outbox o ON o.id::text = p.event_id
GROUP BY p.consumer
ORDER BY 1;
SELECT count(*) AS unsent FROM outbox WHERE published_at IS NULL;
SELECT count(*) AS dead_letters FROM dead_letters;
