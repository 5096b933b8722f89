package io.calbridge.emulator.google;

import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * conferenceData as events.insert/patch/update handle it: with {@code conferenceDataVersion=0} (the default) a body's
 * conferenceData is ignored and the stored one kept; with 1, a {@code createRequest} for {@code hangoutsMeet} gets a
 * Meet conference at once (Google may answer "pending" first; this emulator always succeeds), and the same
 * requestId again keeps the existing conference instead of making a second one.
 */
final class Conference {

    private Conference() {
    }

    static void apply(ObjectNode body, JsonNode previous, int conferenceDataVersion) {
        body.remove("hangoutLink");
        if (conferenceDataVersion < 1) {
            body.remove("conferenceData");
            if (previous != null) {
                body.set("conferenceData", previous);
            }
        } else {
            JsonNode requested = body.get("conferenceData");
            JsonNode createRequest = requested == null ? null : requested.get("createRequest");
            if (createRequest != null && createRequest.isObject()) {
                String requestId = Json.text(createRequest, "requestId");
                if (requestId == null || requestId.isBlank()) {
                    throw GoogleApiException.invalid("Invalid conference create request.");
                }
                JsonNode previousRequest = previous == null ? null : previous.get("createRequest");
                if (previousRequest != null && requestId.equals(Json.text(previousRequest, "requestId"))) {
                    body.set("conferenceData", previous);
                } else {
                    String type = Json.text(createRequest.path("conferenceSolutionKey"), "type");
                    body.set("conferenceData", create(requestId, type == null ? "hangoutsMeet" : type));
                }
            }
        }
        JsonNode data = body.get("conferenceData");
        if (data != null && "hangoutsMeet".equals(Json.text(data.path("conferenceSolution").path("key"), "type"))) {
            for (JsonNode entryPoint : data.path("entryPoints")) {
                if ("video".equals(Json.text(entryPoint, "entryPointType"))) {
                    body.put("hangoutLink", Json.text(entryPoint, "uri"));
                }
            }
        }
    }

    private static ObjectNode create(String requestId, String type) {
        ObjectNode data = Json.object();
        ObjectNode request = data.putObject("createRequest");
        request.put("requestId", requestId);
        request.putObject("conferenceSolutionKey").put("type", type);
        if (!"hangoutsMeet".equals(type)) {
            // Google answers unsupported solution types with a failed create request and no conference
            request.putObject("status").put("statusCode", "failure");
            return data;
        }
        request.putObject("status").put("statusCode", "success");
        String code = letters(3) + "-" + letters(4) + "-" + letters(3);
        ObjectNode video = data.putArray("entryPoints").addObject();
        video.put("entryPointType", "video");
        video.put("uri", "https://meet.google.com/" + code);
        video.put("label", "meet.google.com/" + code);
        ObjectNode solution = data.putObject("conferenceSolution");
        solution.putObject("key").put("type", "hangoutsMeet");
        solution.put("name", "Google Meet");
        solution.put("iconUri", "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png");
        data.put("conferenceId", code);
        return data;
    }

    private static String letters(int count) {
        StringBuilder out = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            out.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return out.toString();
    }
}
