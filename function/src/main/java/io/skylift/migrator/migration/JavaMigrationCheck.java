package io.skylift.migrator.migration;

import io.skylift.migrator.failure.CauseChain;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigrationFailedException;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Loads the Java-based migrations of the class-path locations before Flyway runs. Flyway skips a migration class it
 * cannot load or instantiate with only a warning and then reports success without having applied it; a deploy must
 * instead fail and name the class. Costs nothing for the default filesystem location.
 */
final class JavaMigrationCheck {
    /** Flyway's naming for Java-based migrations: {@code V<version>__<description>} or {@code R__<description>}. */
    private static final Pattern MIGRATION_CLASS = Pattern.compile("[VR][^$]*__[^$]+\\.class");

    private JavaMigrationCheck() {
    }

    /**
     * @throws MigrationFailedException naming the first class that cannot be loaded or made, and why
     */
    static void check(Location[] locations, ClassLoader loader) {
        for (Location location : locations) {
            if (!location.isClassPath()) {
                continue;
            }
            for (String className : classNames(location.getRootPath(), loader)) {
                try {
                    Class<?> type = Class.forName(className, true, loader);
                    if (JavaMigration.class.isAssignableFrom(type)) {
                        type.getDeclaredConstructor().newInstance();
                    }
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    throw new MigrationFailedException(ErrorCode.MIGRATION_INVALID, "Java-based migration " + className
                            + " (location " + location.getDescriptor() + ") cannot be loaded: " + causes(e)
                            + ". Flyway would skip it and report success without applying it: fix the class or "
                            + "remove it from the image, then deploy again.");
                }
            }
        }
    }

    private static List<String> classNames(String rootPath, ClassLoader loader) {
        String path = rootPath.replaceAll("^/+|/+$", "");
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = loader.getResources(path);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("file".equals(root.getProtocol())) {
                    Path directory = Path.of(root.toURI());
                    try (Stream<Path> files = Files.walk(directory)) {
                        files.filter(f -> MIGRATION_CLASS.matcher(f.getFileName().toString()).matches())
                                .map(f -> path + "/" + directory.relativize(f).toString().replace('\\', '/'))
                                .forEach(f -> names.add(toClassName(f)));
                    }
                } else if ("jar".equals(root.getProtocol())
                        && root.openConnection() instanceof JarURLConnection jar) {
                    jar.setUseCaches(false);
                    try (var file = jar.getJarFile()) {
                        file.stream().map(e -> e.getName())
                                .filter(n -> n.startsWith(path + "/")
                                        && MIGRATION_CLASS.matcher(n.substring(n.lastIndexOf('/') + 1)).matches())
                                .forEach(n -> names.add(toClassName(n)));
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // Flyway scans the location itself and reports what it cannot read.
        }
        return names.stream().sorted().distinct().toList();
    }

    private static String toClassName(String resource) {
        return resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : CauseChain.of(failure)) {
            if (t instanceof java.lang.reflect.InvocationTargetException || (t.getMessage() == null && t.getCause() != null)) {
                continue;
            }
            text.append(text.isEmpty() ? "" : ", caused by ").append(t.getClass().getSimpleName())
                    .append(t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return text.isEmpty() ? failure.getClass().getSimpleName() : text.toString();
    }
}
