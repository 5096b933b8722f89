package io.calbridge.reminder;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sender of reminder mail ({@code calbridge.mail.*}); the SMTP server itself is Spring Boot's {@code spring.mail.*}.
 *
 * @param from the From address of reminder mail (CALBRIDGE_MAIL_FROM); its domain also ends every Message-ID
 */
@Validated
@ConfigurationProperties("calbridge.mail")
public record MailSettings(@DefaultValue("calbridge@localhost") @NotBlank @Email(regexp = ".+@.+") String from) {

    String domain() {
        return from.substring(from.lastIndexOf('@') + 1);
    }
}
