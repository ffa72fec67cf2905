-- callscore PostgreSQL schema, version 1: packs and their manifests, runs, calls with
-- their item results, section scores, drivers, sentiment and metrics, read errors, and
-- the dashboard views. Applied by `callscore load` inside its transaction, with the
-- search_path set to the target schema (default "callscore"). docs/postgres.md
-- documents every table and column.

CREATE TABLE schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    callscore  text NOT NULL
);

CREATE TABLE packs (
    pack_id         serial PRIMARY KEY,
    name            text NOT NULL,
    version         text NOT NULL,
    hash            text NOT NULL,
    description     text,
    auto_fail_score double precision,
    sections        text[] NOT NULL DEFAULT '{}',
    UNIQUE (name, version)
);

CREATE TABLE pack_items (
    pack_id     integer NOT NULL REFERENCES packs ON DELETE CASCADE,
    item_id     text NOT NULL,
    position    integer NOT NULL,
    name        text NOT NULL,
    description text,
    section     text NOT NULL,
    weight      double precision NOT NULL,
    critical    boolean NOT NULL,
    PRIMARY KEY (pack_id, item_id)
);

CREATE TABLE pack_departments (
    pack_id       integer NOT NULL REFERENCES packs ON DELETE CASCADE,
    department_id text NOT NULL,
    name          text NOT NULL,
    cost_per_hour double precision NOT NULL,
    PRIMARY KEY (pack_id, department_id)
);

CREATE TABLE pack_drivers (
    pack_id       integer NOT NULL REFERENCES packs ON DELETE CASCADE,
    driver_id     text NOT NULL,
    position      integer NOT NULL,
    name          text NOT NULL,
    description   text,
    department_id text NOT NULL,
    cost_per_hour double precision NOT NULL,
    PRIMARY KEY (pack_id, driver_id)
);

CREATE TABLE runs (
    run_id         text PRIMARY KEY,
    pack_id        integer NOT NULL REFERENCES packs,
    callscore      text NOT NULL,
    evidence       text NOT NULL,
    started_at     timestamptz,
    finished_at    timestamptz,
    elapsed_ms     bigint,
    inputs_found   bigint,
    inputs_scored  bigint,
    inputs_errored bigint,
    calls_scored   bigint,
    error_records  bigint,
    state_seq      bigint,
    summary        jsonb NOT NULL,
    folder         text NOT NULL,
    calls_loaded   bigint NOT NULL,
    loaded_at      timestamptz NOT NULL DEFAULT now()
);

-- Per-call tables are keyed by call_key, a number the loader gives each loaded call.
-- They have no foreign keys: the loader writes a call and all its rows in one
-- transaction, and COPY into tables without constraint triggers is several times
-- faster. Quotes from the calls are `json` (kept as written: `jsonb` input made the COPY of item rows about 1.5 times
-- slower, and quotes are read, not searched).
CREATE SEQUENCE call_key_seq;

CREATE TABLE calls (
    call_key        bigint PRIMARY KEY,
    pack_id         integer NOT NULL,
    call_id         text NOT NULL,
    run_id          text NOT NULL,
    source          text NOT NULL,
    source_line     bigint,
    format          text NOT NULL,
    language        text NOT NULL,
    agent           text,
    team            text,
    queue           text,
    channel         text,
    started_at      timestamptz,
    started_at_text text,
    customer_id     text,
    csat            double precision,
    nps             double precision,
    human_qa_score  double precision,
    self_score      double precision,
    metadata_extra  jsonb,
    qa_score        double precision,
    raw_score       double precision,
    auto_fail       boolean NOT NULL,
    primary_driver  text,
    department      text,
    cost            double precision,
    UNIQUE (pack_id, call_id)
);
CREATE INDEX calls_run_id ON calls (run_id);
CREATE INDEX calls_started_at ON calls (started_at);

-- The three tables with several rows per call carry no primary key: a BRIN index on
-- call_key (calls are numbered in load order, so a run's rows sit together) finds a
-- call's rows and the rows a re-load replaces, and costs next to nothing to keep up,
-- where a B-tree over two million item rows doubled the time of a load.
CREATE TABLE section_scores (
    call_key bigint NOT NULL,
    section  text NOT NULL,
    score    double precision
);
CREATE INDEX section_scores_call_key ON section_scores USING brin (call_key) WITH (pages_per_range = 16);

CREATE TABLE item_results (
    call_key        bigint NOT NULL,
    position        integer NOT NULL,
    item_id         text NOT NULL,
    result          text NOT NULL CHECK (result IN ('pass', 'fail', 'n/a')),
    reason          text,
    evidence        json,
    closest         json,
    na_missing_meta json
);
CREATE INDEX item_results_call_key ON item_results USING brin (call_key) WITH (pages_per_range = 16);

CREATE TABLE call_drivers (
    call_key      bigint NOT NULL,
    position      integer NOT NULL,
    driver_id     text NOT NULL,
    department_id text NOT NULL,
    hits          integer NOT NULL,
    is_primary    boolean NOT NULL,
    evidence      json
);
CREATE INDEX call_drivers_call_key ON call_drivers USING brin (call_key) WITH (pages_per_range = 16);

CREATE TABLE sentiment (
    call_key                  bigint PRIMARY KEY,
    customer_overall          double precision NOT NULL,
    customer_start            double precision NOT NULL,
    customer_end              double precision NOT NULL,
    customer_turns_with_terms integer NOT NULL,
    agent_overall             double precision NOT NULL,
    agent_start               double precision NOT NULL,
    agent_end                 double precision NOT NULL,
    agent_turns_with_terms    integer NOT NULL,
    most_negative_score       double precision,
    most_negative_evidence    json
);

CREATE TABLE metrics (
    call_key           bigint PRIMARY KEY,
    handle_time_ms     bigint,
    agent_talk_ms      bigint,
    customer_talk_ms   bigint,
    silence_ms         bigint,
    longest_silence_ms bigint,
    overtalk_ms        bigint,
    turns              integer NOT NULL,
    agent_turns        integer NOT NULL,
    customer_turns     integer NOT NULL,
    times_estimated    boolean NOT NULL
);

CREATE TABLE errors (
    run_id   text NOT NULL,
    position integer NOT NULL,
    source   text,
    line     bigint,
    call_id  text,
    reason   text NOT NULL,
    hint     text,
    PRIMARY KEY (run_id, position)
);

CREATE VIEW agent_daily_scores AS
SELECT p.name AS pack, p.version AS pack_version,
       (c.started_at AT TIME ZONE 'UTC')::date AS day,
       c.agent, c.team,
       count(*) AS calls,
       avg(c.qa_score) AS mean_qa_score,
       count(*) FILTER (WHERE c.auto_fail) AS auto_fails,
       avg(s.customer_overall) AS mean_customer_sentiment,
       avg(m.handle_time_ms) / 1000.0 AS mean_handle_time_s,
       avg(c.csat) AS mean_csat
FROM calls c
JOIN packs p USING (pack_id)
LEFT JOIN sentiment s USING (call_key)
LEFT JOIN metrics m USING (call_key)
GROUP BY p.name, p.version, day, c.agent, c.team;

CREATE VIEW item_fail_rates AS
SELECT p.name AS pack, p.version AS pack_version,
       (c.started_at AT TIME ZONE 'UTC')::date AS day,
       i.item_id,
       count(*) FILTER (WHERE i.result <> 'n/a') AS applicable,
       count(*) FILTER (WHERE i.result = 'fail') AS failed,
       count(*) FILTER (WHERE i.result = 'fail')::double precision
           / nullif(count(*) FILTER (WHERE i.result <> 'n/a'), 0) AS fail_rate
FROM item_results i
JOIN calls c USING (call_key)
JOIN packs p USING (pack_id)
GROUP BY p.name, p.version, day, i.item_id;

CREATE VIEW driver_cost AS
SELECT p.name AS pack, p.version AS pack_version,
       (c.started_at AT TIME ZONE 'UTC')::date AS day,
       c.primary_driver AS driver_id, c.department AS department_id,
       count(*) AS calls,
       sum(m.handle_time_ms) / 3600000.0 AS handle_hours,
       sum(c.cost) AS cost
FROM calls c
JOIN packs p USING (pack_id)
LEFT JOIN metrics m USING (call_key)
WHERE c.primary_driver IS NOT NULL
GROUP BY p.name, p.version, day, c.primary_driver, c.department;
