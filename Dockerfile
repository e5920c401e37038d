# The migrator's container image: the function, its runtime dependencies, the SQL migrations, and a JDK 25 AOT cache
# of the classes a deploy loads. The stage `base` is all of it but the migrations; the image is `base` plus them.
#
# One way to build it, for this repository's app and for adopters alike: its build context is the function as Maven
# built it (./mvnw -B -q -pl image -am -Dmaven.test.skip=true package), at the paths below, and a folder migrations/.
# The skylift-construct artifact carries this file and those build outputs, and stages them with the caller's
# migrations as the image asset (io.skylift.construct.MigratorImage): `cdk synth` prepares the context, `cdk deploy`
# or the pipeline's asset step builds it. By hand, after that Maven command: docker build -t skylift-migrator .

# The Lambda Java base image, pinned: every stage that runs on it names it through this.
ARG LAMBDA_BASE=public.ecr.aws/lambda/java:25.2026.07.17.13

# The build outputs, platform-independent classes and jars, under /build as the later stages expect them.
FROM scratch AS build
COPY function/target/dependency /build/function/target/dependency
COPY function/target/skylift-function.jar /build/function/target/skylift-function.jar
COPY image/target/training /build/image/target/training

# Amazon RDS's CA bundles: the global one (every region), from Amazon's official HTTPS location at build time, and
# each region's, written from it (io.skylift.image.RdsCaBundles: a certificate naming a region goes to that region's
# bundle, one naming none to every region's). The function verifies the database's certificate against its region's
# bundle (defaults DB_SSL_MODE=verify-full, DB_SSL_ROOT_CERT=${LAMBDA_TASK_ROOT}/rds-ca/<AWS_REGION>-bundle.pem, the
# global bundle where a region has none). Not pinned by checksum on purpose: AWS adds CAs before it rotates certificates.
FROM ${LAMBDA_BASE} AS rds-ca
COPY --from=build /build/image/target/training /training
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /rds-ca/global-bundle.pem
RUN java -cp "/training/*" io.skylift.image.RdsCaBundles /rds-ca/global-bundle.pem /rds-ca

# The function as Lambda runs it. The bootstrap (the entry point) puts lib/*.jar on the JVM's class path.
FROM ${LAMBDA_BASE} AS function
COPY --from=build /build/function/target/dependency ${LAMBDA_TASK_ROOT}/lib/
COPY --from=build /build/function/target/skylift-function.jar ${LAMBDA_TASK_ROOT}/lib/skylift-function.jar
# Readable by all (Lambda runs as a non-root user): ADD --chmod above, and the RUN writes with the default umask.
COPY --from=rds-ca /rds-ca ${LAMBDA_TASK_ROOT}/rds-ca/
COPY image/src/main/lambda/bootstrap ${LAMBDA_TASK_ROOT}/bootstrap

# The AOT cache (JEPs 483, 514, 515): the training run starts the function through the bootstrap in training mode and
# drives the real handler through a deploy's invocations (a migrate that applies, one with nothing to do, info, and
# CloudFormation's Create, Update and Delete) against a real PostgreSQL with TLS (the embedded binaries the tests use,
# for x86_64 and arm64), with the test kit's stand-ins for Secrets Manager, the response URL and the Runtime API; the
# JVM writes the classes it loaded and linked as it exits. The training code, PostgreSQL and the stand-ins stay in this
# stage: the image gets the cache only.
FROM function AS training
COPY --from=build /build/image/target/training /training
# PostgreSQL refuses to run as root, and RUN runs as root unless USER says otherwise: the training runs as nobody, who
# may write the task root (the cache, beside the bootstrap) and a scratch folder (PostgreSQL's files), in this stage only.
RUN mkdir -m 1777 /training/work && chmod 1777 /var/task
USER nobody
RUN java -Djava.io.tmpdir=/training/work -cp "/training/*" io.skylift.image.TrainingRun /var/task/bootstrap /var/task/skylift.aot

# The base image: everything but the migrations (the training applies migrations of its own, so the cache does not
# depend on them). It is the same for every adopter, and what would be published, per architecture, for an adopter's
# image to start FROM by digest (image/src/main/docker/adopter.Dockerfile; docs/adopting.md).
FROM function AS base
# The cache is only used with the class path and jars it was trained on: those of the function stage, unchanged.
COPY --from=training /var/task/skylift.aot ${LAMBDA_TASK_ROOT}/skylift.aot
ENTRYPOINT ["/var/task/bootstrap"]
CMD ["io.skylift.migrator.MigratorHandler::handleRequest"]

# The image: the base and the migrations, nothing run. The function's default Flyway location is
# filesystem:${LAMBDA_TASK_ROOT}/migrations.
FROM base
COPY migrations ${LAMBDA_TASK_ROOT}/migrations/
