package com.example.billing;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The billing team's CDK app: Skylift's migrator in a stack of its own beside their existing cluster, and their service
 * in another stack that deploys only after the schema is migrated.
 */
public final class BillingApp {

    private BillingApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        BillingSchemaStack schema = new BillingSchemaStack(app, "BillingSchema");
        BillingServiceStack service = new BillingServiceStack(app, "BillingService");
        // The service's deploy starts once the schema stack, whose last resource is the migration, has succeeded.
        service.addStackDependency(schema, "the service needs the schema this deploy migrates");
        Aspects.of(app).add(new AwsSolutionsChecks());
        app.synth();
    }
}
