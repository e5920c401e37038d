package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.image.DockerfileStages.Instruction;
import io.skylift.image.DockerfileStages.Stage;
import io.skylift.image.StagedBuild.StageRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training stage runs PostgreSQL, which refuses to run as root, and a real {@code docker build} runs {@code RUN} as
 * root unless {@code USER} says otherwise. The staged build carries {@code USER} out ({@link StagedBuild}), but run by
 * a user that is not root it could not show that a Dockerfile without one fails: these tests show it.
 */
class TrainingStageTest {
    @TempDir
    Path directory;

    @Test
    void the_training_stage_runs_the_training_as_a_user_that_is_not_root() throws IOException {
        Stage training = DockerfileStages.read().stage("training");
        List<Instruction> instructions = training.instructions();
        int run = indexOfTrainingRun(instructions);
        Instruction user = instructions.subList(0, run).stream().filter(i -> i.keyword().equals("USER"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no USER before the training's RUN: Docker runs it as root"));

        // That user carried out as the staged build carries the Dockerfile out: a RUN after it is not root.
        Path dockerfile = directory.resolve("Dockerfile");
        Files.writeString(dockerfile, """
                FROM public.ecr.aws/lambda/java:25 AS training
                RUN chmod 1777 /var/task
                USER %s
                RUN id -u > /var/task/uid
                """.formatted(user.arguments()));
        Map<String, StageRoot> stages = new StagedBuild(DockerfileStages.read(dockerfile),
                StagedBuild.BuildContext.of(directory), url -> {
                    throw new AssertionError(url);
                }, Path.of(System.getProperty("java.home"))).run(directory.resolve("build"));

        StageRoot stage = stages.get("training");
        assertThat(stage.runsAsRoot()).as("USER %s", user.arguments()).isFalse();
        assertThat(Files.readString(stage.local("/var/task/uid")).strip()).as("the RUN's user id").isNotEqualTo("0");
    }

    @Test
    void the_training_refuses_to_start_postgresql_as_root_and_says_what_to_do() {
        assertThatThrownBy(() -> TrainingDatabase.start(directory, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refuses to run as root").hasMessageContaining("USER");
        assertThat(directory).isEmptyDirectory();
    }

    private static int indexOfTrainingRun(List<Instruction> instructions) {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < instructions.size(); i++) {
            Instruction instruction = instructions.get(i);
            if (instruction.keyword().equals("RUN")) {
                runs.add(instruction.arguments());
                if (instruction.arguments().contains(TrainingRun.class.getName())) {
                    return i;
                }
            }
        }
        throw new AssertionError("the training stage runs no " + TrainingRun.class.getName() + ": " + runs);
    }
}
