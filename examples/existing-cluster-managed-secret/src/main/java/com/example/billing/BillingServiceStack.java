package com.example.billing;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * Stands in for the billing service (its functions or containers): it deploys after {@link BillingSchemaStack}
 * (BillingApp makes it depend on that stack), so the code that reads {@code payments} never runs before the table
 * exists. In one stack, the same order is {@code service.getNode().addDependency(migrator.getMigration())}.
 */
public class BillingServiceStack extends Stack {

    public BillingServiceStack(Construct scope, String id) {
        super(scope, id);
        StringParameter.Builder.create(this, "PaymentsTable")
                .parameterName("/billing/payments-table")
                .stringValue("payments")
                .description("The table the billing service writes payments to (created by migration V1)")
                .build();
    }
}
