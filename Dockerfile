# The migrator's container image: the function, its runtime dependencies and the SQL migrations of this commit.
# Build from the repository root: docker build -t skylift-migrator .

# The build stage makes platform-independent classes and jars: run it natively even for an arm64 image.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /build
COPY pom.xml ./
COPY infra/pom.xml infra/
COPY lint/pom.xml lint/
COPY lint/src/main lint/src/main
COPY function/pom.xml function/
COPY function/src/main function/src/main
# package copies the runtime dependencies (the lint module's jar among them) to function/target/dependency
# (process-classes phase); -am builds the lint module first. Its verify-phase lint of migrations/ does not run here:
# what reaches the image already passed the build and cdk synth.
RUN mvn -B -q -pl function -am -Dmaven.test.skip=true package

FROM public.ecr.aws/lambda/java:21.2025.05.04.06
COPY --from=build /build/function/target/classes ${LAMBDA_TASK_ROOT}/
COPY --from=build /build/function/target/dependency ${LAMBDA_TASK_ROOT}/lib/
# The function's default Flyway location is filesystem:${LAMBDA_TASK_ROOT}/migrations.
COPY migrations ${LAMBDA_TASK_ROOT}/migrations/
# Amazon RDS's CA bundle (every region), from Amazon's official HTTPS location at build time: the function verifies
# the database's certificate against it (defaults DB_SSL_MODE=verify-full and
# DB_SSL_ROOT_CERT=${LAMBDA_TASK_ROOT}/rds-ca/global-bundle.pem). Readable by all: Lambda runs as a non-root user.
# Not pinned by checksum on purpose: AWS adds CAs to the bundle before it rotates certificates.
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem ${LAMBDA_TASK_ROOT}/rds-ca/global-bundle.pem
# Class-data sharing: a training run writes the classes a deploy loads (parsed, verified) to an archive that every
# cold start then maps instead of loading them from the jars. It starts the runtime through the image's own entry
# point, so the JVM's command line and class path are exactly Lambda's (the archive is only used when they match),
# and needs no database: TrainingRun answers as the Runtime API and Secrets Manager itself.
RUN java -cp "/var/task:/var/task/lib/*" io.skylift.migrator.training.TrainingRun /var/task/skylift-cds.jsa \
        /lambda-entrypoint.sh io.skylift.migrator.training.TrainingHandler::handleRequest
# The archive, from the first invocation on; -Xshare:auto runs without it (only slower) if it cannot be used.
ENV JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=/var/task/skylift-cds.jsa -Xshare:auto"
CMD ["io.skylift.migrator.MigratorHandler::handleRequest"]
