package io.calbridge.connection;

import io.calbridge.provider.CalendarInfo;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code jsonb} columns of {@code connections}, written and read by the application's own JSON mapper (Spring
 * creates these converters for Hibernate), so stored settings read exactly as an API body with them would.
 */
final class JsonColumns {

    private JsonColumns() {
    }

    @Converter
    static final class SettingsColumn implements AttributeConverter<ConnectionSettings, String> {

        private final JsonMapper json;

        SettingsColumn(JsonMapper json) {
            this.json = json;
        }

        @Override
        public String convertToDatabaseColumn(ConnectionSettings settings) {
            return json.writeValueAsString(settings);
        }

        @Override
        public ConnectionSettings convertToEntityAttribute(String column) {
            return json.readValue(column, ConnectionSettings.class);
        }
    }

    @Converter
    static final class CalendarsColumn implements AttributeConverter<List<CalendarInfo>, String> {

        private static final TypeReference<List<CalendarInfo>> CALENDAR_LIST = new TypeReference<>() {
        };

        private final JsonMapper json;

        CalendarsColumn(JsonMapper json) {
            this.json = json;
        }

        @Override
        public String convertToDatabaseColumn(List<CalendarInfo> calendars) {
            return json.writeValueAsString(calendars);
        }

        @Override
        public List<CalendarInfo> convertToEntityAttribute(String column) {
            return List.copyOf(json.readValue(column, CALENDAR_LIST));
        }
    }
}
