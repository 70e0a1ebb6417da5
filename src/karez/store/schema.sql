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

-- Records: one extracted row (a CSV line, a sheet row, a row of a table on a PDF page) with
-- its original cells verbatim. The cells of each table read from a source are kept column by
-- column in a table of their own (`kz_cells_*`: _record_id, _sheet, _page, _table, _row and
-- one VARCHAR column per original header), as read; `record_tables` lists them and `records`
-- is a view over all of them, giving each row's cells as JSON {header: original text}.
-- Storing the cells as columns costs a fraction of storing a JSON document per row.
CREATE TABLE IF NOT EXISTS record_tables (
    table_name     VARCHAR PRIMARY KEY,  -- kz_cells_<ingest>_<n>
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    number         INTEGER NOT NULL,     -- the table's position among those read from the source
    sheet          VARCHAR,              -- for a sheet of a workbook
    headers        JSON NOT NULL,        -- the original headers, in order
    n_rows         BIGINT NOT NULL
);

-- (the view `records` is defined in karez/store/records.py, from `record_tables`)

CREATE TABLE IF NOT EXISTS mentions (
    mention_id     VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
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
    relation_id    VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    from_mention   VARCHAR NOT NULL,   -- the relative
    to_mention     VARCHAR NOT NULL,   -- the person they are related to
    relationship   VARCHAR,            -- coded: father, mother, spouse, son, ... or as written
    relationship_text VARCHAR,         -- as written
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS events (
    event_id       VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
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
    classification_id VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    scheme         VARCHAR NOT NULL,
    value          VARCHAR NOT NULL,   -- verbatim
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS reasons (
    reason_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    ordinal        INTEGER NOT NULL,
    text           VARCHAR NOT NULL,   -- verbatim
    provenance     JSON
);

CREATE TABLE IF NOT EXISTS notes (
    note_id        VARCHAR NOT NULL USING COMPRESSION uncompressed,
    record_id      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    source_id      VARCHAR NOT NULL,
    ingest_id      VARCHAR NOT NULL,
    mention_id     VARCHAR,
    kind           VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    provenance     JSON
);
