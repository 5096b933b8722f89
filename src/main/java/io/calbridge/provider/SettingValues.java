package io.calbridge.provider;

/** How the adapters' settings read an environment value: blank is unset, and surrounding spaces do not count. */
public final class SettingValues {

    private SettingValues() {
    }

    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public static String orDefault(String value, String fallback) {
        String given = blankToNull(value);
        return given == null ? fallback : given;
    }
}
