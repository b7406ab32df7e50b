-- depends_on: {{ ref('entities') }}
-- The fingerprint of each entity as marts.entities was last built from (macros/entities_rows.sql):
-- built after it, so that the next build of marts.entities recomputes only the entities whose
-- fingerprint changed.
{{ entity_fingerprints() }}
