package io.calbridge.testing;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real SMTP server in-process (GreenMail) that keeps what it receives: the tests' mail server and the run
 * command's mail sink. {@link #serveListing(int)} adds a page listing what arrived ({@code /}, and {@code /messages} as
 * JSON). GreenMail stores one copy per recipient; {@link #received()} lists each copy.
 */
public final class MailSink implements AutoCloseable {

    private final GreenMail greenMail;
    private final int port;
    private HttpServer listing;

    private MailSink(int port) {
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** On {@code port} (0: a free one). */
    public static MailSink start(int port) {
        return new MailSink(port == 0 ? freePort() : port);
    }

    public int port() {
        return port;
    }

    /** The calbridge settings that send its mail here. */
    public Map<String, String> settings() {
        return Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", String.valueOf(port));
    }

    /** A received copy, as a recipient's mailbox has it. */
    public record Mail(String messageId, List<String> to, String from, String subject, Instant sentAt, String text, String html,
            String ics, String icsContentType) {
    }

    public List<Mail> received() {
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            mails.add(parse(message));
        }
        return mails;
    }

    /** What the mailbox of {@code address} holds. */
    public List<Mail> receivedBy(String address) {
        GreenMailUser user = greenMail.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                    .map(stored -> parse(stored.getMimeMessage())).toList();
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    public void reset() {
        greenMail.reset();
    }

    private static Mail parse(MimeMessage message) {
        try {
            Map<String, String> parts = new LinkedHashMap<>();
            collect(message, parts);
            List<String> to = message.getAllRecipients() == null ? List.of()
                    : Arrays.stream(message.getAllRecipients()).map(Address::toString).map(a -> a.toLowerCase(Locale.ROOT)).toList();
            return new Mail(message.getMessageID(), to, message.getFrom() == null ? null : message.getFrom()[0].toString(),
                    message.getSubject(), message.getSentDate() == null ? null : message.getSentDate().toInstant(), parts.get("text/plain"),
                    parts.get("text/html"), parts.get("text/calendar"), parts.get("text/calendar;type"));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("unreadable mail", e);
        }
    }

    private static void collect(Part part, Map<String, String> parts) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, parts);
            }
            return;
        }
        String type = part.getContentType().toLowerCase(Locale.ROOT);
        String base = type.split(";")[0].trim();
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            parts.putIfAbsent(base, bytes.toString(StandardCharsets.UTF_8));
        }
        parts.putIfAbsent(base + ";type", type);
    }

    /** A page on {@code port} listing the mail received: time, to, subject, Message-ID; {@code /messages} as JSON. */
    public int serveListing(int port) throws IOException {
        listing = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        listing.createContext("/", this::page);
        listing.start();
        return listing.getAddress().getPort();
    }

    private void page(HttpExchange exchange) throws IOException {
        List<Mail> mails = new ArrayList<>(received());
        java.util.Collections.reverse(mails); // newest first
        byte[] body;
        String type;
        if (exchange.getRequestURI().getPath().equals("/messages")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Mail m : mails) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sentAt", m.sentAt() == null ? null : m.sentAt().toString());
                row.put("to", m.to());
                row.put("subject", m.subject());
                row.put("messageId", m.messageId());
                row.put("text", m.text());
                row.put("ics", m.ics());
                rows.add(row);
            }
            body = JsonMapper.builder().build().writeValueAsBytes(rows);
            type = "application/json";
        } else if (exchange.getRequestURI().getPath().equals("/")) {
            StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>calbridge mail sink</title>"
                    + "</head><body style=\"font-family: sans-serif\"><h1>Mail sent by calbridge</h1><p>SMTP on 127.0.0.1:" + this.port
                    + " &middot; " + mails.size() + " received (newest first) &middot; <a href=\"/messages\">JSON</a></p>"
                    + "<table border=\"1\" cellpadding=\"4\"><tr><th>sent</th><th>to</th><th>subject</th><th>Message-ID</th><th>text</th></tr>");
            for (Mail m : mails) {
                html.append("<tr><td>").append(m.sentAt()).append("</td><td>").append(esc(String.join(", ", m.to())))
                        .append("</td><td>").append(esc(m.subject())).append("</td><td><code>").append(esc(m.messageId()))
                        .append("</code></td><td><pre>").append(esc(m.text())).append("</pre></td></tr>");
            }
            body = html.append("</table></body></html>").toString().getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String esc(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text);
    }

    @Override
    public void close() {
        if (listing != null) {
            listing.stop(0);
        }
        greenMail.stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
