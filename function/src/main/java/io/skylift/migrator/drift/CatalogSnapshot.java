package io.skylift.migrator.drift;

import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The schema of a database as its catalogs describe it, normalized: each object under its kind and qualified name
 * ({@code index public.items_sku_idx}, {@code column public.orders.note}), with the attributes that define it (a
 * column's type, nullability and default; an index's definition as {@code pg_get_indexdef} prints it; a function's
 * whole definition). Keys sort, so the same schema always gives the same JSON.
 *
 * <p>Covered: schemas, tables (and partitioned and foreign tables), columns, constraints (primary key, foreign key,
 * unique, check, exclusion), indexes (those not backing a constraint: the constraint names them), views, materialized
 * views, functions, procedures, aggregates, triggers (and whether they are enabled), sequences, enums, domains,
 * composite and range types, extensions. Left out: what PostgreSQL and Aurora manage themselves ({@code pg_catalog},
 * {@code information_schema}, the toast and temporary schemas, {@code rdsadmin}), every object an extension owns
 * (the extension and its version stand for them), and the tables passed as excluded (Flyway's history table and
 * the reference table) with their columns, constraints, indexes and triggers. Not covered: privileges, owners,
 * row-level security policies, statistics, comments.
 *
 * <p>One query, one round trip, read-only: it reads the catalogs and the {@code pg_get_*def} functions only.
 *
 * @param objects attributes (in a fixed order) by object, sorted by object
 */
record CatalogSnapshot(SortedMap<String, Map<String, String>> objects) {

    /** Schemas that PostgreSQL or Aurora manage; the toast and temporary schemas are matched by pattern. */
    static final List<String> MANAGED_SCHEMAS = List.of("pg_catalog", "information_schema", "rdsadmin");

    private static final String QUERY = """
            WITH excluded AS (
                SELECT to_regclass(name) AS oid FROM unnest(?::text[]) AS t(name)
            ), member AS (
                SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
            ), ns AS (
                SELECT n.oid, n.nspname FROM pg_namespace n
                WHERE n.nspname <> ALL (?::text[]) AND n.nspname !~ '^pg_(toast|temp_)'
                  AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_namespace'::regclass AND m.objid = n.oid)
            ), rel AS (
                SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relispartition, ns.nspname,
                       quote_ident(ns.nspname) || '.' || quote_ident(c.relname) AS qname
                FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
                  AND c.oid NOT IN (SELECT oid FROM excluded WHERE oid IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
            )
            SELECT 'schema'::text AS kind, quote_ident(nspname) AS name, NULL::text AS attribute,
                   NULL::text AS value, 1 AS ord
            FROM ns
            UNION ALL
            SELECT CASE r.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
                   r.qname, a.attribute, a.value, a.ord
            FROM rel r CROSS JOIN LATERAL (VALUES
                ('persistence', CASE r.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END, 1),
                ('partition key', pg_get_partkeydef(r.oid), 2),
                ('partition of', CASE WHEN r.relispartition THEN (SELECT i.inhparent::regclass::text || ' '
                    || pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i, pg_class c
                    WHERE i.inhrelid = r.oid AND c.oid = r.oid) END, 3)) AS a(attribute, value, ord)
            WHERE r.relkind IN ('r', 'p', 'f') AND a.value IS NOT NULL
            UNION ALL
            SELECT 'column', r.qname || '.' || quote_ident(att.attname), a.attribute, a.value, a.ord
            FROM rel r JOIN pg_attribute att ON att.attrelid = r.oid AND att.attnum > 0 AND NOT att.attisdropped
            LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = att.attnum
            CROSS JOIN LATERAL (VALUES
                ('type', format_type(att.atttypid, att.atttypmod), 1),
                ('nullability', CASE WHEN att.attnotnull THEN 'not null' ELSE 'null' END, 2),
                ('default', CASE WHEN att.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, 3),
                ('generated', CASE WHEN att.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END, 4),
                ('identity', CASE att.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END, 5),
                ('collation', CASE WHEN att.attcollation <> 0 AND att.attcollation <> (SELECT typcollation
                    FROM pg_type WHERE oid = att.atttypid) THEN att.attcollation::regcollation::text END, 6)
            ) AS a(attribute, value, ord)
            WHERE r.relkind IN ('r', 'p', 'f') AND a.value IS NOT NULL
            UNION ALL
            SELECT CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                   WHEN 'c' THEN 'check' ELSE 'exclusion' END,
                   r.qname || '.' || quote_ident(k.conname), 'definition', pg_get_constraintdef(k.oid), 1
            FROM pg_constraint k JOIN rel r ON r.oid = k.conrelid
            WHERE k.contype IN ('p', 'f', 'u', 'c', 'x')
            UNION ALL
            SELECT 'index', quote_ident(r.nspname) || '.' || quote_ident(ic.relname), a.attribute, a.value, a.ord
            FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            CROSS JOIN LATERAL (VALUES
                ('definition', pg_get_indexdef(i.indexrelid), 1),
                ('validity', CASE WHEN NOT i.indisvalid THEN 'invalid' END, 2)) AS a(attribute, value, ord)
            WHERE a.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
            UNION ALL
            SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, r.qname, 'definition',
                   pg_get_viewdef(r.oid), 1
            FROM rel r WHERE r.relkind IN ('v', 'm')
            UNION ALL
            SELECT 'sequence', r.qname, a.attribute, a.value, a.ord
            FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
            CROSS JOIN LATERAL (VALUES
                ('type', format_type(s.seqtypid, NULL), 1), ('start', s.seqstart::text, 2),
                ('increment', s.seqincrement::text, 3), ('minimum', s.seqmin::text, 4),
                ('maximum', s.seqmax::text, 5), ('cache', s.seqcache::text, 6),
                ('cycle', CASE WHEN s.seqcycle THEN 'cycle' ELSE 'no cycle' END, 7)) AS a(attribute, value, ord)
            UNION ALL
            SELECT 'trigger', r.qname || '.' || quote_ident(t.tgname), a.attribute, a.value, a.ord
            FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid
            CROSS JOIN LATERAL (VALUES
                ('definition', pg_get_triggerdef(t.oid), 1),
                ('enabled', CASE t.tgenabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled'
                    WHEN 'R' THEN 'enabled on replica only' ELSE 'enabled always' END, 2)) AS a(attribute, value, ord)
            WHERE NOT t.tgisinternal
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function'
                   ELSE 'function' END,
                   quote_ident(ns.nspname) || '.' || quote_ident(p.proname) || '('
                       || pg_get_function_identity_arguments(p.oid) || ')',
                   'definition',
                   CASE WHEN p.prokind = 'a' THEN (SELECT 'state ' || format_type(g.aggtranstype, NULL) || ' by '
                       || g.aggtransfn::regproc::text || coalesce(', final ' || nullif(g.aggfinalfn, 0)::regproc::text, '')
                       || coalesce(', initially ' || g.agginitval, '') FROM pg_aggregate g WHERE g.aggfnoid = p.oid)
                   ELSE pg_get_functiondef(p.oid) END, 1
            FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
            WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
            UNION ALL
            SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type'
                   ELSE 'composite type' END,
                   quote_ident(ns.nspname) || '.' || quote_ident(t.typname), a.attribute, a.value, a.ord
            FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
            CROSS JOIN LATERAL (VALUES
                ('labels', CASE WHEN t.typtype = 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', '
                    ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) END, 1),
                ('type', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END, 2),
                ('nullability', CASE WHEN t.typtype = 'd' THEN CASE WHEN t.typnotnull THEN 'not null'
                    ELSE 'null' END END, 3),
                ('default', CASE WHEN t.typtype = 'd' THEN t.typdefault END, 4),
                ('constraints', CASE WHEN t.typtype = 'd' THEN (SELECT string_agg(k.conname || ' '
                    || pg_get_constraintdef(k.oid), '; ' ORDER BY k.conname) FROM pg_constraint k
                    WHERE k.contypid = t.oid) END, 5),
                ('attributes', CASE WHEN t.typtype = 'c' THEN (SELECT string_agg(quote_ident(att.attname) || ' '
                    || format_type(att.atttypid, att.atttypmod), ', ' ORDER BY att.attnum) FROM pg_attribute att
                    WHERE att.attrelid = t.typrelid AND att.attnum > 0 AND NOT att.attisdropped) END, 6),
                ('subtype', CASE WHEN t.typtype = 'r' THEN (SELECT format_type(g.rngsubtype, NULL)
                    FROM pg_range g WHERE g.rngtypid = t.oid) END, 7)) AS a(attribute, value, ord)
            WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c'
                    AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
              AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
              AND a.value IS NOT NULL
            UNION ALL
            SELECT 'extension', quote_ident(x.extname), a.attribute, a.value, a.ord
            FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
            CROSS JOIN LATERAL (VALUES ('version', x.extversion, 1), ('schema', n.nspname::text, 2)) AS a(attribute, value, ord)
            ORDER BY 1, 2, 5""";

    public CatalogSnapshot {
        SortedMap<String, Map<String, String>> copy = new TreeMap<>();
        objects.forEach((name, attributes) -> copy.put(name, Collections.unmodifiableMap(
                new LinkedHashMap<>(attributes))));
        objects = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Reads the schema of the database {@code connection} is connected to.
     *
     * @param excludedTables qualified names of tables to leave out with all that hangs on them (a name that does not
     *                       exist is ignored)
     */
    public static CatalogSnapshot read(Connection connection, List<String> excludedTables) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null");
        SortedMap<String, Map<String, String>> objects = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setArray(1, connection.createArrayOf("text", excludedTables.toArray()));
            statement.setArray(2, connection.createArrayOf("text", MANAGED_SCHEMAS.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String object = rows.getString(1) + " " + rows.getString(2);
                    String attribute = rows.getString(3);
                    Map<String, String> attributes = objects.computeIfAbsent(object, o -> new LinkedHashMap<>());
                    // A schema has no attribute: its row says only that it exists.
                    if (attribute != null) {
                        attributes.put(attribute, rows.getString(4));
                    }
                }
            }
        }
        return new CatalogSnapshot(objects);
    }

    /** The snapshot as one JSON document: objects sorted by name, attributes in their fixed order. */
    public String toJson() {
        return JsonWriter.write(objects);
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException when the text is not such a document
     */
    public static CatalogSnapshot fromJson(String json) {
        if (!(JsonReader.parse(json) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("a catalog snapshot is a JSON object of objects");
        }
        SortedMap<String, Map<String, String>> objects = new TreeMap<>();
        root.forEach((name, value) -> {
            if (!(value instanceof Map<?, ?> attributes)) {
                throw new IllegalArgumentException("object " + name + " of the snapshot is not a JSON object");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            attributes.forEach((attribute, text) -> copy.put(String.valueOf(attribute), String.valueOf(text)));
            objects.put(String.valueOf(name), copy);
        });
        return new CatalogSnapshot(objects);
    }

    /**
     * What differs in {@code current} from this reference, in object order: objects added, removed, or changed
     * (one difference per object, naming each attribute that changed).
     */
    public List<Difference> differencesTo(CatalogSnapshot current) {
        List<Difference> differences = new ArrayList<>();
        SortedSet<String> names = new TreeSet<>(objects.keySet());
        names.addAll(current.objects.keySet());
        for (String name : names) {
            Map<String, String> before = objects.get(name);
            Map<String, String> after = current.objects.get(name);
            if (before == null) {
                differences.add(new Difference(name, Difference.Change.ADDED,
                        "not in the reference" + describe(after)));
            } else if (after == null) {
                differences.add(new Difference(name, Difference.Change.REMOVED,
                        "in the reference, gone from the database" + describe(before)));
            } else if (!before.equals(after)) {
                differences.add(new Difference(name, Difference.Change.CHANGED, AttributeChange.describe(before, after)));
            }
        }
        return differences;
    }

    private static String describe(Map<String, String> attributes) {
        if (attributes.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(": ");
        attributes.forEach((attribute, value) -> {
            if (text.length() > 2) {
                text.append("; ");
            }
            text.append(attribute).append(' ').append(AttributeChange.shorten(value));
        });
        return text.toString();
    }
}
