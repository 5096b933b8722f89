package io.calbridge.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything parses them, the parts of a request Tomcat and Spring would otherwise fail on deep inside
 * (a 500): a query string that does not decode to sane text (a bad percent escape {@code %zz}, bytes that are not
 * UTF-8 such as {@code %FF}, overlong {@code %C0%80} or a surrogate {@code %ED%A0%80}, an empty parameter name, a
 * control character in a name or value) is a 400 naming the parameter where it can. A Content-Type that does not
 * parse, a wildcard ({@code *}{@code /*}, {@code application/*}: no format to read the body in) or a form is a 415;
 * an Accept header that does not parse is a 406; a control character in any header value is a 400.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class MalformedRequestFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        String problem = query == null ? null : problemIn(query);
        if (problem != null) {
            ProblemWriter.write(response, Problems.of(HttpStatus.BAD_REQUEST, "invalid_parameter", problem));
            return;
        }
        String header = headerWithControlCharacter(request);
        if (header != null) {
            // named, never shown: the value may be a credential with a stray byte
            ProblemWriter.write(response, Problems.of(HttpStatus.BAD_REQUEST, "invalid_header",
                    "header '" + header + "' holds a control character"));
            return;
        }
        String accept = request.getHeader("Accept");
        if (accept != null && !parses(accept)) {
            ProblemWriter.write(response, Problems.of(HttpStatus.NOT_ACCEPTABLE, "not_acceptable",
                    "the Accept header does not parse; calbridge answers application/json and application/problem+json"));
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !isConcrete(contentType)) {
            ProblemWriter.write(response, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Content-Type must name one media type calbridge reads, such as application/json"));
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * The request firewall refuses such a value only when something reads the header, so a request whose junk lies
     * in a header nobody reads would be carried out; refusing here keeps "malformed" meaning "not processed".
     */
    private static String headerWithControlCharacter(HttpServletRequest request) {
        for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (java.util.Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                String value = values.nextElement();
                if (value.chars().anyMatch(c -> c != '\t' && Character.isISOControl(c))) {
                    return name;
                }
            }
        }
        return null;
    }

    private static boolean parses(String accept) {
        try {
            MediaType.parseMediaTypes(accept);
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /**
     * Whether the type names one format calbridge could read. Forms are not among them: no endpoint takes one, and the
     * servlet container would decode a form body as parameters, failing on a bad escape ({@code a=%zz}) with a 500.
     */
    private static boolean isConcrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isConcrete() && !type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)
                    && !type.isCompatibleWith(MediaType.MULTIPART_FORM_DATA);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** What is wrong with the query string, or null when every parameter decodes to acceptable text. */
    static String problemIn(String query) {
        int position = 0;
        for (String pair : query.split("&", -1)) {
            position++;
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2": nothing there, nothing to refuse
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (name == null || name.isEmpty()) {
                return "query parameter " + position + " has an empty or undecodable name (percent-encoded UTF-8 expected)";
            }
            if (TextRules.firstForbiddenInLine(name) >= 0) {
                return "query parameter " + position + " has a control character in its name";
            }
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (value == null) {
                return "query parameter '" + name + "' does not decode (percent-encoded UTF-8 expected)";
            }
            int bad = TextRules.firstForbiddenInLine(value);
            if (bad >= 0) {
                return "query parameter '" + name + "' holds a character that is not allowed (" + TextRules.describe(value, bad) + ")";
            }
        }
        return null;
    }

    /** Strict application/x-www-form-urlencoded decoding of one part; null if it is not valid percent-encoded UTF-8. */
    private static String decode(String part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                if (i + 2 >= part.length() || !HexFormat.isHexDigit(part.charAt(i + 1)) || !HexFormat.isHexDigit(part.charAt(i + 2))) {
                    return null;
                }
                bytes.write(HexFormat.fromHexDigits(part, i + 1, i + 3));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null; // Tomcat hands the raw query string over as ISO-8859-1: a raw non-ASCII byte was sent unencoded
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
