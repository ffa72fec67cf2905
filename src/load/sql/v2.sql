-- callscore PostgreSQL schema, version 2 (from version 1):
-- * runs.fingerprint: a re-load skips run folders unchanged since they were loaded, so
--   loading a whole state folder every night costs only the new and rewritten runs;
-- * superseded: what left each run folder because a later run re-scored it;
-- * item_fail_rates and driver_cost carry the names from the pack manifest (item name,
--   section, critical; driver and department names).

ALTER TABLE runs ADD COLUMN fingerprint text;

CREATE TABLE superseded (
    run_id   text NOT NULL,
    position integer NOT NULL,
    path     text NOT NULL,
    by_run   text NOT NULL,
    calls    bigint NOT NULL,
    errors   bigint NOT NULL,
    PRIMARY KEY (run_id, position)
);

DROP VIEW item_fail_rates;
CREATE VIEW item_fail_rates AS
SELECT p.name AS pack, p.version AS pack_version,
       (c.started_at AT TIME ZONE 'UTC')::date AS day,
       i.item_id, pi.name AS item_name, pi.section, pi.critical,
       count(*) FILTER (WHERE i.result <> 'n/a') AS applicable,
       count(*) FILTER (WHERE i.result = 'fail') AS failed,
       count(*) FILTER (WHERE i.result = 'fail')::double precision
           / nullif(count(*) FILTER (WHERE i.result <> 'n/a'), 0) AS fail_rate
FROM item_results i
JOIN calls c USING (call_key)
JOIN packs p USING (pack_id)
LEFT JOIN pack_items pi ON pi.pack_id = c.pack_id AND pi.item_id = i.item_id
GROUP BY p.name, p.version, day, i.item_id, pi.name, pi.section, pi.critical;

DROP VIEW driver_cost;
CREATE VIEW driver_cost AS
SELECT p.name AS pack, p.version AS pack_version,
       (c.started_at AT TIME ZONE 'UTC')::date AS day,
       c.primary_driver AS driver_id, pd.name AS driver_name,
       c.department AS department_id, dep.name AS department_name,
       count(*) AS calls,
       sum(m.handle_time_ms) / 3600000.0 AS handle_hours,
       sum(c.cost) AS cost
FROM calls c
JOIN packs p USING (pack_id)
LEFT JOIN metrics m USING (call_key)
LEFT JOIN pack_drivers pd ON pd.pack_id = c.pack_id AND pd.driver_id = c.primary_driver
LEFT JOIN pack_departments dep ON dep.pack_id = c.pack_id AND dep.department_id = c.department
WHERE c.primary_driver IS NOT NULL
GROUP BY p.name, p.version, day, c.primary_driver, pd.name, c.department, dep.name;
