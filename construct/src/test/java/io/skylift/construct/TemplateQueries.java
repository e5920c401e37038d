package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Look-ups in a synthesized template that the construct's tests share. */
final class TemplateQueries {
    private TemplateQueries() {
    }

    /** The logical id of the one resource of {@code type}. */
    static String id(Template template, String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }

    /** The {@code Properties} of every resource of {@code type}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> properties(Template template, String type) {
        return template.findResources(type).values().stream()
                .map(r -> (Map<String, Object>) r.get("Properties")).toList();
    }
}
