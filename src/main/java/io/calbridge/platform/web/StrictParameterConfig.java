package io.calbridge.platform.web;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Whole numbers in parameters are decimal digits and nothing else. Spring's own conversion would read {@code 0x10}
 * or {@code #10} as hex and trim spaces; here they are a 400 {@code invalid_parameter} like any malformed value.
 */
@ControllerAdvice
class StrictParameterConfig {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,19}");

    @InitBinder
    void decimalNumbersOnly(WebDataBinder binder) {
        binder.registerCustomEditor(int.class, new Decimal(Integer::valueOf, false));
        binder.registerCustomEditor(Integer.class, new Decimal(Integer::valueOf, true));
        binder.registerCustomEditor(long.class, new Decimal(Long::valueOf, false));
        binder.registerCustomEditor(Long.class, new Decimal(Long::valueOf, true));
    }

    private static final class Decimal extends PropertyEditorSupport {
        private final Function<String, Number> parse;
        private final boolean nullable;

        Decimal(Function<String, Number> parse, boolean nullable) {
            this.parse = parse;
            this.nullable = nullable;
        }

        @Override
        public void setAsText(String text) {
            if (text == null || text.isEmpty()) {
                if (!nullable) {
                    throw new IllegalArgumentException("a number is required");
                }
                setValue(null);
                return;
            }
            if (!DECIMAL.matcher(text).matches()) {
                throw new IllegalArgumentException("not a decimal number");
            }
            setValue(parse.apply(text)); // out of range: NumberFormatException, an IllegalArgumentException too
        }
    }
}
