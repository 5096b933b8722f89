# Runtime image for the packaged calbridge jar (a Spring Boot fat jar).
#
# Build:   ./mvnw -DskipTests package && docker build -t calbridge .
# Run:     see docker-compose.yml (PostgreSQL and CALBRIDGE_TOKEN_KEYS are required).
#
# Without a Docker daemon, `./mvnw -Pimage package jib:buildTar` builds an image into
# target/jib-image.tar; load it with `docker load -i target/jib-image.tar`.
#
# The packaged jar never starts an embedded database or the sandbox providers: configure
# SPRING_DATASOURCE_URL/_USERNAME/_PASSWORD and CALBRIDGE_TOKEN_KEYS (see .env.example).
FROM eclipse-temurin:21-jre

RUN groupadd --system calbridge \
 && useradd --system --gid calbridge --home-dir /app --no-create-home --shell /usr/sbin/nologin calbridge

WORKDIR /app
COPY target/calbridge-*.jar /app/calbridge.jar

USER calbridge
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
ENTRYPOINT ["java","-jar","/app/calbridge.jar"]
