# The migrator's container image: the function, its runtime dependencies and the SQL migrations of this commit.
# Build from the repository root: docker build -t skylift-migrator .

# The build stage makes platform-independent classes and jars: run it natively even for an arm64 image.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /build
COPY pom.xml ./
COPY infra/pom.xml infra/
COPY function/pom.xml function/
COPY function/src/main function/src/main
# package copies the runtime dependencies to function/target/dependency (process-classes phase).
RUN mvn -B -q -pl function -Dmaven.test.skip=true package

FROM public.ecr.aws/lambda/java:21.2025.05.04.06
COPY --from=build /build/function/target/classes ${LAMBDA_TASK_ROOT}/
COPY --from=build /build/function/target/dependency ${LAMBDA_TASK_ROOT}/lib/
# The function's default Flyway location is filesystem:${LAMBDA_TASK_ROOT}/migrations.
COPY migrations ${LAMBDA_TASK_ROOT}/migrations/
CMD ["io.skylift.migrator.MigratorHandler::handleRequest"]
