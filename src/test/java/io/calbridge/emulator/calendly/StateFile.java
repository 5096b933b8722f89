package io.calbridge.emulator.calendly;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The emulator's state as one JSON file, so that the run command's Calendly sandbox survives restarts. The state's
 * classes are written field by field; the file is written whole (a temp file, then an atomic move) after each change:
 * a sandbox is small. Pending authorization codes live for minutes and are not kept.
 */
final class StateFile {

    static final String FILE_NAME = "state.json";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .changeDefaultVisibility(visibility -> visibility
                    .withVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                    .withVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
                    .withVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                    .withVisibility(PropertyAccessor.SETTER, JsonAutoDetect.Visibility.NONE))
            .build();

    private StateFile() {
    }

    static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (JacksonException e) {
            throw new IllegalStateException("the Calendly sandbox state in " + file + " is unreadable (" + e.getOriginalMessage()
                    + "); move it away to start with a fresh sandbox");
        }
    }

    static void write(Path file, Object state) throws IOException {
        byte[] json = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(temp, json);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
