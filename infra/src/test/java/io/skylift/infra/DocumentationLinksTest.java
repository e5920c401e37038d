package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link of the README, CONTRIBUTING.md and docs/ leads somewhere: the file exists, the heading too. */
class DocumentationLinksTest {

    @Test
    void every_relative_link_and_anchor_of_the_documentation_resolves() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(TestApps.ROOT.resolve("README.md"),
                TestApps.ROOT.resolve("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.list(TestApps.ROOT.resolve("docs"))) {
            docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertThat(pages).as("the pages checked").hasSizeGreaterThan(5);

        MarkdownLinks links = new MarkdownLinks();
        List<MarkdownLinks.Broken> broken = pages.stream().flatMap(page -> links.broken(page).stream()).toList();

        assertThat(broken).as("broken relative links").isEmpty();
    }

    @Test
    void a_missing_file_a_missing_heading_and_a_link_in_code_are_told_apart(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other page\n\n## Drift: what changed?\n\n## Twice\n\n## Twice\n");
        Files.writeString(dir.resolve("page.md"), String.join("\n",
                "# Page",
                "[ok](other.md#drift-what-changed) [ok](other.md#twice-1) [ok](#page) [ok](https://example.com/x.md)",
                "[missing file](gone.md) [missing heading](other.md#nowhere) [missing here](#nowhere)",
                "`[in a code span](gone.md)`",
                "```",
                "[in a fence](gone.md)",
                "# not a heading",
                "```",
                "[fenced heading](#not-a-heading)"));

        List<MarkdownLinks.Broken> broken = new MarkdownLinks().broken(dir.resolve("page.md"));

        assertThat(broken).extracting(MarkdownLinks.Broken::line, MarkdownLinks.Broken::target).containsExactly(
                tuple(3, "gone.md"),
                tuple(3, "other.md#nowhere"),
                tuple(3, "#nowhere"),
                tuple(9, "#not-a-heading"));
    }

    @Test
    void anchors_are_made_as_github_makes_them() {
        assertThat(MarkdownLinks.slug("Drift: what changed outside the migrations"))
                .isEqualTo("drift-what-changed-outside-the-migrations");
        assertThat(MarkdownLinks.slug("1. This repository's app and pipeline"))
                .isEqualTo("1-this-repositorys-app-and-pipeline");
        assertThat(MarkdownLinks.slug("Infrastructure (`infra/`, Java CDK)")).isEqualTo("infrastructure-infra-java-cdk");
        assertThat(MarkdownLinks.slug("3. By hand: `aws lambda invoke`, or the task entry point"))
                .isEqualTo("3-by-hand-aws-lambda-invoke-or-the-task-entry-point");
    }
}
