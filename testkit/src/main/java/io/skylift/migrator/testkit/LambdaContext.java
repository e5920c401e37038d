package io.skylift.migrator.testkit;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** A Lambda {@link Context} with a real deadline, as the runtime gives one: time left shrinks as time passes. */
public final class LambdaContext implements Context {
    private final String requestId = UUID.randomUUID().toString();
    private final long deadlineMillis;

    private LambdaContext(Duration timeLeft) {
        this.deadlineMillis = System.currentTimeMillis() + timeLeft.toMillis();
    }

    /** A context whose deadline is {@code timeLeft} from now. */
    public static LambdaContext withTimeLeft(Duration timeLeft) {
        return new LambdaContext(timeLeft);
    }

    /** Five minutes: plenty for any test that is not about the deadline. */
    public static LambdaContext generous() {
        return withTimeLeft(Duration.ofMinutes(5));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/skylift-test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "skylift-test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:123456789012:function:skylift-test";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
