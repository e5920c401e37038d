package io.skylift.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CDK CLI version pinned in the root {@code package.json}, so the pipeline's generated steps
 * (self-mutation) use the same CLI as {@code npx cdk} does, never npm's {@code latest}.
 */
public final class CdkCliVersion {

    private static final Pattern AWS_CDK = Pattern.compile("\"aws-cdk\"\\s*:\\s*\"(\\d+\\.\\d+\\.\\d+)\"");

    private CdkCliVersion() {
    }

    /**
     * @throws IllegalStateException when {@code package.json} does not pin {@code aws-cdk} to an exact version
     */
    public static String read(Path repositoryRoot) {
        Path packageJson = repositoryRoot.resolve("package.json");
        String text;
        try {
            text = Files.readString(packageJson);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + packageJson + ", which pins the CDK CLI", e);
        }
        Matcher matcher = AWS_CDK.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException(packageJson + " must pin aws-cdk to an exact version (x.y.z)");
        }
        return matcher.group(1);
    }
}
