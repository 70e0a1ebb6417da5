-- The canonical model of a case. Derived tables carry deterministic ids that are unique by
-- construction (hashes of source, locator and role); they are not declared PRIMARY KEY because
-- index upkeep would triple the cost of a large ingest. `karez integrity` checks uniqueness.
-- Every derived row carries the source it came from and
-- the record (sheet/page/table/row) it was read from; `provenance` maps each field to the
-- column and original text it was taken from. See docs/data-model.md.

CREATE TABLE IF NOT EXISTS sources (
    source_id      VARCHAR PRIMARY KEY,  -- 'src-' + first 16 hex digits of sha256
    sha256         VARCHAR NOT NULL UNIQUE,
    size           BIGINT NOT NULL,
    media_type     VARCHAR,
    original_name  VARCHAR,
    note           VARCHAR,
    acquired_from  VARCHAR,
    added_at       TIMESTAMPTZ,
    added_by       VARCHAR,
    status         VARCHAR NOT NULL DEFAULT 'active'  -- active | withdrawn
);

CREATE TABLE IF NOT EXISTS ingests (
    ingest_id      VARCHAR PRIMARY KEY,
    source_id      VARCHAR NOT NULL,
    mapping_sha256 VARCHAR NOT NULL,
    mapping_name   VARCHAR,
    mapping_text   VARCHAR NOT NULL,
    ingested_at    TIMESTAMPTZ,
    ingested_by    VARCHAR,
    n_records      BIGINT,
    n_mentions     BIGINT,
    n_relations    BIGINT,
    n_events       BIGINT,
    n_classifications BIGINT,
    n_reasons      BIGINT,
    n_notes        BIGINT
);

CREATE TABLE IF NOT EXISTS records (
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    sheet          VARCHAR,   -- xlsx sheet name
    page           INTEGER,   -- pdf page (1-based)
    table_index    INTEGER,   -- pdf table on the page (0-based)
    row_number     BIGINT,    -- 1-based row in the sheet/file/page table, header included
    cells          JSON       -- {header: original text}
);

CREATE TABLE IF NOT EXISTS mentions (
    mention_id     VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    role           VARCHAR NOT NULL,   -- subject | relative | neighbour | witness | other
    person_key     VARCHAR NOT NULL,   -- the mapping's key for this person in the record
    ordinal        INTEGER NOT NULL,   -- position within a cell (0 for column-mapped persons)
    name           VARCHAR,
    id_number      VARCHAR,
    birth_date     DATE,
    birth_date_precision VARCHAR,      -- day | month | year
    age            INTEGER,
    age_kind       VARCHAR,            -- full | nominal
    sex            VARCHAR,            -- M | F | as written when unmapped
    ethnicity      VARCHAR,
    address        VARCHAR,
    township       VARCHAR,
    village        VARCHAR,
    phone          VARCHAR,
    employer       VARCHAR,
    note           VARCHAR,
    provenance     JSON                -- {field: {column, original, span?}}
);

CREATE TABLE IF NOT EXISTS relations (
    relation_id    VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    from_mention   VARCHAR NOT NULL,   -- the relative
    to_mention     VARCHAR NOT NULL,   -- the person they are related to
    relationship   VARCHAR,            -- coded: father, mother, spouse, son, ... or as written
    relationship_text VARCHAR,         -- as written
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS events (
    event_id       VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    event_type     VARCHAR NOT NULL,   -- detention | transfer | sentence | release | status | other
    date           DATE,
    date_precision VARCHAR,
    facility       VARCHAR,
    status_text    VARCHAR,
    detail         VARCHAR,
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS classifications (
    classification_id VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    scheme         VARCHAR NOT NULL,
    value          VARCHAR NOT NULL,   -- verbatim
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS reasons (
    reason_id      VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    ordinal        INTEGER NOT NULL,
    text           VARCHAR NOT NULL,   -- verbatim
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS notes (
    note_id        VARCHAR NOT NULL,
    record_id      VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR,
    kind           VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    provenance     JSON
);
