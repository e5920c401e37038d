package io.skylift.migrator.testkit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Test-only handler for {@link RuntimeInterfaceClientProcessTest}: answers with the event it got
 * and what the runtime told it (request id, function ARN, remaining time, task root), and prints a
 * line so the test can see output capture work.
 */
public final class ContextEchoHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        System.out.println("echo handler got request " + context.getAwsRequestId());
        ObjectNode answer = JSON.createObjectNode();
        answer.set("event", JSON.readTree(input));
        answer.put("requestId", context.getAwsRequestId());
        answer.put("functionArn", context.getInvokedFunctionArn());
        answer.put("functionName", context.getFunctionName());
        answer.put("remainingTimeMs", context.getRemainingTimeInMillis());
        answer.put("taskRoot", System.getenv("LAMBDA_TASK_ROOT"));
        answer.put("extra", System.getenv("SKYLIFT_TEST_EXTRA"));
        answer.put("home", System.getenv("HOME"));
        JSON.writeValue(output, answer);
    }
}
