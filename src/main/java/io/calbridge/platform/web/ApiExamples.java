package io.calbridge.platform.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Examples of an operation's request body and success answer in the OpenAPI document: names of JSON files under
 * {@code openapi/examples/} (without {@code .json}); empty for none.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ApiExamples {

    String request() default "";

    String response() default "";
}
