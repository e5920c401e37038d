package io.skylift.migrator.testkit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.InputStream;
import java.io.OutputStream;

/** Test-only handler for {@link RuntimeInterfaceClientProcessTest}: its constructor fails, as a bad configuration would at init. */
public final class BrokenInitHandler implements RequestStreamHandler {

    public BrokenInitHandler() {
        throw new IllegalStateException("DB_SECRET_ARN is not set");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        throw new AssertionError("never constructed");
    }
}
