package io.calbridge;

import io.calbridge.platform.StartupCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CalbridgeApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(CalbridgeApplication.class);
        app.addListeners(refuseToStartWithBadSettings());
        try {
            app.run(args);
        } catch (RuntimeException e) {
            // Spring has reported why; a start that failed must end the process, whatever threads were started
            System.exit(1);
        }
    }

    /**
     * Ops get one line naming the setting and what is wrong with it, instead of a page of stack trace: checked before
     * the banner and before anything connects (see {@link StartupCheck}).
     */
    public static ApplicationListener<ApplicationEnvironmentPreparedEvent> refuseToStartWithBadSettings() {
        return event -> StartupCheck.problem(event.getEnvironment(), CalbridgeApplication.class.getPackageName()).ifPresent(problem -> {
            System.err.println("calbridge cannot start: " + problem);
            System.exit(2);
        });
    }
}
