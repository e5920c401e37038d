package io.skylift.migrator.testkit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Captures {@code System.out} and {@code System.err} around each test (its {@code @BeforeEach}
 * and {@code @AfterEach} methods included) and injects the {@link CapturedOutput} into any
 * parameter of that type. Output still reaches the console.
 *
 * <p>Register it before other extensions whose output should be captured (extensions registered
 * earlier wrap those registered later).
 */
public final class OutputCaptureExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OutputCaptureExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(CapturedOutput.class, CapturedOutput.start());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        CapturedOutput captured = context.getStore(NAMESPACE).remove(CapturedOutput.class, CapturedOutput.class);
        if (captured != null) {
            captured.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == CapturedOutput.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        CapturedOutput captured = extensionContext.getStore(NAMESPACE).get(CapturedOutput.class, CapturedOutput.class);
        if (captured == null) {
            throw new ParameterResolutionException(
                    "CapturedOutput is available in @BeforeEach, @Test and @AfterEach methods only");
        }
        return captured;
    }
}
