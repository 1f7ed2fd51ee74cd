-- The KPI definitions of the Power BI model (CdrCalls.SemanticModel, table Calls) as SQL over the curated
-- Parquet files, for DuckDB and other engines, and for the tests that check both against simulator ground truth.
-- One statement per KPI, named by the "-- kpi:" line above it. Expects a view `calls` over the files, e.g.
--   CREATE VIEW calls AS SELECT * FROM read_parquet('curated/calls/*/*/*/*.parquet');
--   SET VARIABLE sl_threshold = 20;   -- seconds, the 'Service level threshold' what-if parameter
-- Rates are sums over sums (never averages of per-row or per-group ratios); NULL when the denominator is 0,
-- as DAX DIVIDE returns blank. "Queued inbound" = inbound calls that reached a queue (queue not empty).

-- kpi: Calls
SELECT count(*) FROM calls;

-- kpi: Inbound
SELECT count(*) FILTER (WHERE direction = 'inbound') FROM calls;

-- kpi: Outbound
SELECT count(*) FILTER (WHERE direction = 'outbound') FROM calls;

-- kpi: Answered
SELECT count(*) FILTER (WHERE outcome = 'answered') FROM calls;

-- kpi: Abandoned
SELECT count(*) FILTER (WHERE outcome = 'abandoned') FROM calls;

-- kpi: Missed
SELECT count(*) FILTER (WHERE outcome = 'missed') FROM calls;

-- kpi: Queued inbound
SELECT count(*) FILTER (WHERE direction = 'inbound' AND coalesce(queue, '') <> '') FROM calls;

-- kpi: Answer rate
SELECT count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered')
     / nullif(count(*) FILTER (WHERE direction = 'inbound'), 0)
FROM calls;

-- kpi: Abandonment rate
SELECT count(*) FILTER (WHERE outcome = 'abandoned')
     / nullif(count(*), 0)
FROM calls WHERE direction = 'inbound' AND coalesce(queue, '') <> '';

-- kpi: Service level %
SELECT count(*) FILTER (WHERE outcome = 'answered' AND queueSeconds <= getvariable('sl_threshold'))
     / nullif(count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')), 0)
FROM calls WHERE direction = 'inbound' AND coalesce(queue, '') <> '';

-- kpi: Average speed of answer
SELECT sum(queueSeconds) / nullif(count(*), 0)
FROM calls WHERE direction = 'inbound' AND outcome = 'answered';

-- kpi: Average handle time
SELECT (coalesce(sum(talkSeconds), 0) + coalesce(sum(holdSeconds), 0)) / nullif(count(*), 0)
FROM calls WHERE outcome = 'answered';

-- kpi: Average talk
SELECT sum(talkSeconds) / nullif(count(*), 0)
FROM calls WHERE outcome = 'answered';

-- kpi: Average hold
SELECT sum(holdSeconds) / nullif(count(*), 0)
FROM calls WHERE outcome = 'answered';

-- kpi: Transfer rate
SELECT count(*) FILTER (WHERE transferCount > 0) / nullif(count(*), 0)
FROM calls WHERE outcome = 'answered';
