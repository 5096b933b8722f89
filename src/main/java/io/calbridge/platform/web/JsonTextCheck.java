package io.calbridge.platform.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One check for every string of every JSON body, values and field names alike (so enum values and map keys too):
 * a control character or a lone surrogate is refused with 400 {@code invalid_character} naming the field, before
 * the body is bound. PostgreSQL cannot store U+0000, and no calendar should show the others.
 */
@ControllerAdvice
class JsonTextCheck extends RequestBodyAdviceAdapter {

    private static final JsonMapper TREE = JsonMapper.builder().build();

    @Override
    public boolean supports(MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        MediaType type = message.getHeaders().getContentType();
        if (type == null || !type.getSubtype().contains("json")) {
            return message;
        }
        byte[] body = message.getBody().readAllBytes();
        if (mayHoldForbidden(body)) {
            JsonNode tree;
            try {
                tree = TREE.readTree(body);
            } catch (JacksonException e) {
                tree = null; // not JSON: binding reports it as malformed, in the words it uses for every body
            }
            if (tree != null) {
                check(tree, "");
            }
        }
        return new BufferedMessage(message.getHeaders(), body);
    }

    /**
     * Whether the raw UTF-8 body could hold a forbidden character at all: a backslash-u escape, a raw control byte,
     * an encoded C1 control or surrogate. Only then is it parsed a second time to find the field; the usual body
     * costs one pass over its bytes.
     */
    static boolean mayHoldForbidden(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            int b = body[i] & 0xFF;
            int next = i + 1 < body.length ? body[i + 1] & 0xFF : -1;
            if ((b == '\\' && next == 'u') || (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F
                    || (b == 0xC2 && next >= 0x80 && next <= 0x9F) || (b == 0xED && next >= 0xA0)) {
                return true;
            }
        }
        return false;
    }

    private static void check(JsonNode node, String path) {
        if (node.isString()) {
            refuseForbidden(node.asString(), path, "field '" + path + "'");
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                refuseForbidden(field.getKey(), fieldPath, "the name of field '" + fieldPath + "'");
                check(field.getValue(), fieldPath);
            }
        }
    }

    private static void refuseForbidden(String text, String path, String what) {
        int bad = TextRules.firstForbidden(text);
        if (bad >= 0) {
            // the path, not the text: the field name is the caller's own, but it may hold the same character
            throw ApiProblem.badRequest("invalid_character", printable(what) + " holds a character that is not allowed ("
                    + TextRules.describe(text, bad) + "); control characters other than tab and line breaks, and unpaired "
                    + "surrogates, are refused");
        }
    }

    /** The name as it may appear in a response: forbidden characters replaced by '?'. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return out.toString();
    }

    private record BufferedMessage(HttpHeaders headers, byte[] body) implements HttpInputMessage {
        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }
}
