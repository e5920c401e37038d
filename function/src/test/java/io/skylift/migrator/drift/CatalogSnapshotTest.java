package io.skylift.migrator.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CatalogSnapshotTest {

    private static CatalogSnapshot snapshot(Map<String, Map<String, String>> objects) {
        return new CatalogSnapshot(new TreeMap<>(objects));
    }

    @Test
    void the_same_schema_gives_the_same_json_whatever_order_it_was_read_in_and_reads_back_equal() {
        Map<String, Map<String, String>> one = new LinkedHashMap<>();
        one.put("table public.orders", Map.of("persistence", "logged"));
        one.put("column public.orders.id", new LinkedHashMap<>(Map.of("type", "bigint")));
        Map<String, Map<String, String>> other = new LinkedHashMap<>();
        other.put("column public.orders.id", new LinkedHashMap<>(Map.of("type", "bigint")));
        other.put("table public.orders", Map.of("persistence", "logged"));

        String json = snapshot(one).toJson();

        assertThat(snapshot(other).toJson()).isEqualTo(json);
        assertThat(json).isEqualTo("{\"column public.orders.id\":{\"type\":\"bigint\"},"
                + "\"table public.orders\":{\"persistence\":\"logged\"}}");
        assertThat(CatalogSnapshot.fromJson(json)).isEqualTo(snapshot(one));
    }

    @Test
    void a_changed_object_names_each_attribute_with_its_value_before_and_after() {
        Map<String, String> before = new LinkedHashMap<>();
        before.put("type", "integer");
        before.put("nullability", "not null");
        Map<String, String> after = new LinkedHashMap<>();
        after.put("type", "bigint");
        after.put("nullability", "not null");
        after.put("default", "0");

        var differences = snapshot(Map.of("column public.t.c", before))
                .differencesTo(snapshot(Map.of("column public.t.c", after)));

        assertThat(differences).containsExactly(new Difference("column public.t.c", Difference.Change.CHANGED,
                "type was integer, now bigint; default added: 0"));
    }

    @Test
    void a_long_value_is_cut_in_the_detail() {
        String definition = "CREATE INDEX i ON public.t USING btree (" + "c, ".repeat(100) + "d)";

        var differences = snapshot(Map.of()).differencesTo(snapshot(Map.of("index public.i",
                Map.of("definition", definition))));

        assertThat(differences.get(0).detail()).hasSizeLessThan(AttributeChange.MAX_VALUE_LENGTH + 40).endsWith("…");
    }

    @Test
    void a_reference_that_is_not_a_snapshot_is_refused() {
        assertThatThrownBy(() -> CatalogSnapshot.fromJson("[1]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
    }
}
