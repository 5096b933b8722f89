package io.calbridge.webhook;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What calbridge sends to the app's endpoints, in the OpenAPI document: the notification envelope as the schema
 * {@code WebhookNotification}, and (OpenAPI 3.1) the outgoing request itself under {@code webhooks}.
 */
@Configuration(proxyBeanMethods = false)
class WebhookOpenApi {

    static final String ENVELOPE = "WebhookNotification";

    @Bean
    OpenApiCustomizer webhookNotificationEnvelope() {
        return openApi -> {
            List<String> types = new java.util.ArrayList<>(EventTypes.SUBSCRIBABLE);
            types.add(EventTypes.WEBHOOK_TEST);
            Schema<?> envelope = new ObjectSchema()
                    .description("The body of every notification (Standard Webhooks): the same bytes on every attempt")
                    .addProperty("type", new StringSchema()._enum(types).description("The event type"))
                    .addProperty("timestamp", new DateTimeSchema().description("When the change was recorded"))
                    .addProperty("data", new ObjectSchema().description("The payload of the type: ids and what changed, no tokens"))
                    .required(List.of("type", "timestamp", "data"));
            openApi.getComponents().addSchemas(ENVELOPE, envelope);
            if (openApi.getOpenapi() != null && openApi.getOpenapi().startsWith("3.1")) {
                openApi.addWebhooks("notification", new PathItem().post(notification()));
            }
        };
    }

    private static Operation notification() {
        return new Operation()
                .summary("A change notification, POSTed by calbridge to each enabled endpoint subscribed to its type")
                .addParametersItem(header("webhook-id", "The notification's id (msg_...), the same on every attempt: the idempotency key"))
                .addParametersItem(header("webhook-timestamp", "Epoch seconds of this attempt"))
                .addParametersItem(header("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>; during a secret "
                        + "rotation two space-separated entries, the new secret's first"))
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ENVELOPE)))))
                .responses(new ApiResponses().addApiResponse("2XX", new ApiResponse().description("Received (any 2xx); any other answer, or none, is retried later with the same webhook-id")));
    }

    private static HeaderParameter header(String name, String description) {
        HeaderParameter header = new HeaderParameter();
        header.name(name).required(true).description(description).schema(new StringSchema());
        return header;
    }
}
