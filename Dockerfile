# The migrator's container image: the function, its runtime dependencies, the SQL migrations of this commit, and a
# JDK 25 AOT cache of the classes a deploy loads. Build from the repository root: docker build -t skylift-migrator .

# The build stage makes platform-independent classes and jars: run it natively even for an arm64 image.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /build
COPY pom.xml ./
COPY infra/pom.xml infra/
COPY lint/pom.xml lint/
COPY testkit/pom.xml testkit/
COPY function/pom.xml function/
COPY image/pom.xml image/
COPY lint/src/main lint/src/main
COPY testkit/src/main testkit/src/main
COPY function/src/main function/src/main
COPY image/src/main image/src/main
# function/target: skylift-function.jar and its runtime jars (dependency/, the lint module's jar among them);
# image/target/training: the training run and what it needs, for the training stage only. -am builds the lint module
# first; its verify-phase lint of migrations/ does not run here: what reaches the image already passed the build.
RUN mvn -B -q -pl image -am -Dmaven.test.skip=true package

# The function as Lambda runs it. The bootstrap (the entry point) puts lib/*.jar on the JVM's class path.
FROM public.ecr.aws/lambda/java:25.2026.07.17.13 AS function
COPY --from=build /build/function/target/dependency ${LAMBDA_TASK_ROOT}/lib/
COPY --from=build /build/function/target/skylift-function.jar ${LAMBDA_TASK_ROOT}/lib/skylift-function.jar
# The function's default Flyway location is filesystem:${LAMBDA_TASK_ROOT}/migrations.
COPY migrations ${LAMBDA_TASK_ROOT}/migrations/
# Amazon RDS's CA bundle (every region), from Amazon's official HTTPS location at build time: the function verifies
# the database's certificate against it (defaults DB_SSL_MODE=verify-full and
# DB_SSL_ROOT_CERT=${LAMBDA_TASK_ROOT}/rds-ca/global-bundle.pem). Readable by all: Lambda runs as a non-root user.
# Not pinned by checksum on purpose: AWS adds CAs to the bundle before it rotates certificates.
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem ${LAMBDA_TASK_ROOT}/rds-ca/global-bundle.pem
COPY function/src/main/lambda/bootstrap ${LAMBDA_TASK_ROOT}/bootstrap

# The AOT cache (JEPs 483, 514, 515): the training run starts the function through the bootstrap in training mode and
# drives the paths of a deploy (no-op, apply, secret reads, CloudFormation answers) without a database, against the
# test kit's stand-ins; the JVM writes the classes it loaded and linked as it exits. The training code and its
# stand-ins stay in this stage: the image gets the cache only.
FROM function AS training
COPY --from=build /build/image/target/training /training
RUN java -cp "/training/*" io.skylift.image.TrainingRun /var/task/bootstrap /var/task/skylift.aot

FROM function
# The cache is only used with the class path and jars it was trained on: those of the function stage, unchanged.
COPY --from=training /var/task/skylift.aot ${LAMBDA_TASK_ROOT}/skylift.aot
ENTRYPOINT ["/var/task/bootstrap"]
CMD ["io.skylift.migrator.MigratorHandler::handleRequest"]
