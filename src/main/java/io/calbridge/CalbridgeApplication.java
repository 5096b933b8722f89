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
        app.addListeners(refuseToStartWithoutRequiredSettings());
        app.run(args);
    }

    /** Ops get one line naming what is missing instead of a page of stack trace. */
    public static ApplicationListener<ApplicationEnvironmentPreparedEvent> refuseToStartWithoutRequiredSettings() {
        return event -> StartupCheck.problem(event.getEnvironment()).ifPresent(problem -> {
            System.err.println("calbridge cannot start: " + problem);
            System.exit(2);
        });
    }
}
