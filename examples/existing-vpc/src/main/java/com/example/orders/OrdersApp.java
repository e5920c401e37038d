package com.example.orders;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/** The orders team's CDK app: their existing network and database, and Skylift's migrator added to them. */
public final class OrdersApp {

    private OrdersApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        new OrdersSchemaStack(app, "OrdersSchema");
        Aspects.of(app).add(new AwsSolutionsChecks());
        app.synth();
    }
}
