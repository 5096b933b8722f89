package io.calbridge.platform;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;

/** An absolute http or https URL with a host (a {@link URI} or a string); null passes (use NotNull for that). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {HttpUrl.UriValidator.class, HttpUrl.TextValidator.class})
public @interface HttpUrl {

    String message() default "is not an http(s) URL with a host, like https://calbridge.example.com";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class UriValidator implements ConstraintValidator<HttpUrl, URI> {
        @Override
        public boolean isValid(URI value, ConstraintValidatorContext context) {
            return value == null || isHttpUrl(value);
        }

        static boolean isHttpUrl(URI url) {
            String scheme = url.getScheme();
            return url.isAbsolute() && url.getHost() != null && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme));
        }
    }

    final class TextValidator implements ConstraintValidator<HttpUrl, CharSequence> {
        @Override
        public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                return UriValidator.isHttpUrl(new URI(value.toString().trim()));
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }
}
