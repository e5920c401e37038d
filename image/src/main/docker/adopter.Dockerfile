# An adopter's migrator image on the published base image: that image (the repository's Dockerfile, stage `base`: the
# function, its dependencies, the bootstrap, the regional CA bundles and the AOT cache) by digest, plus the adopter's
# migrations. Nothing is run, so any builder of either architecture builds it, and no JDK is needed.
#
# The construct writes the reference in (SchemaMigratorProps.baseImage); by hand, from a folder holding this file and
# migrations/: docker build --build-arg SKYLIFT_BASE_IMAGE=<registry>/<repository>@sha256:<digest> .
# The base image must be pinned by digest: the image is then the same on every build.
ARG SKYLIFT_BASE_IMAGE

FROM ${SKYLIFT_BASE_IMAGE}
# The function's default Flyway location is filesystem:${LAMBDA_TASK_ROOT}/migrations.
COPY migrations ${LAMBDA_TASK_ROOT}/migrations/
