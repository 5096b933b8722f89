package io.calbridge.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrenceTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Duration HOUR = Duration.ofHours(1);

    private static Instant at(String local, ZoneId zone) {
        return LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    private static List<String> local(List<Instant> instants, ZoneId zone) {
        return instants.stream().map(i -> i.atZone(zone).toLocalDateTime().toString()).toList();
    }

    @Test
    void weeklyOnTwoDaysWithCountStopsAfterCountOccurrences() {
        List<Instant> occurrences = Recurrence.occurrences("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5",
                at("2026-11-02T09:00", BERLIN), BERLIN, false, HOUR, at("2026-11-01T00:00", BERLIN), at("2027-01-01T00:00", BERLIN));

        assertThat(local(occurrences, BERLIN)).containsExactly("2026-11-02T09:00", "2026-11-04T09:00", "2026-11-09T09:00",
                "2026-11-11T09:00", "2026-11-16T09:00");
    }

    @Test
    void dailyMeetingKeepsItsWallClockTimeAcrossTheDstChange() {
        List<Instant> occurrences = Recurrence.occurrences("RRULE:FREQ=DAILY", at("2027-03-26T09:00", BERLIN), BERLIN, false, HOUR,
                at("2027-03-26T00:00", BERLIN), at("2027-03-30T00:00", BERLIN));

        assertThat(local(occurrences, BERLIN)).containsExactly("2027-03-26T09:00", "2027-03-27T09:00", "2027-03-28T09:00",
                "2027-03-29T09:00");
        assertThat(Duration.between(occurrences.get(1), occurrences.get(2))).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void exdateRemovesOneOccurrenceWhateverZoneItIsWrittenIn() {
        String rule = "RRULE:FREQ=WEEKLY;BYDAY=TU\nEXDATE;TZID=America/New_York:20261110T100000";

        List<Instant> occurrences = Recurrence.occurrences(rule, at("2026-11-03T10:00", NEW_YORK), NEW_YORK, false, HOUR,
                at("2026-11-01T00:00", NEW_YORK), at("2026-11-25T00:00", NEW_YORK));

        assertThat(local(occurrences, NEW_YORK)).containsExactly("2026-11-03T10:00", "2026-11-17T10:00", "2026-11-24T10:00");
    }

    @Test
    void untilIsInclusiveAndIntervalSkipsPeriods() {
        List<Instant> occurrences = Recurrence.occurrences("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261201T080000Z",
                at("2026-11-03T09:00", BERLIN), BERLIN, false, HOUR, at("2026-11-01T00:00", BERLIN), at("2027-02-01T00:00", BERLIN));

        assertThat(local(occurrences, BERLIN)).containsExactly("2026-11-03T09:00", "2026-11-17T09:00", "2026-12-01T09:00");
    }

    @Test
    void monthlyOnTheLastFridayAndOnTheSecondTuesday() {
        List<Instant> lastFriday = Recurrence.occurrences("RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", at("2026-11-27T15:00", BERLIN),
                BERLIN, false, HOUR, at("2026-11-01T00:00", BERLIN), at("2027-12-01T00:00", BERLIN));
        List<Instant> secondTuesday = Recurrence.occurrences("RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=2", at("2026-11-10T15:00", BERLIN),
                BERLIN, false, HOUR, at("2026-11-01T00:00", BERLIN), at("2027-12-01T00:00", BERLIN));

        assertThat(local(lastFriday, BERLIN)).containsExactly("2026-11-27T15:00", "2026-12-25T15:00", "2027-01-29T15:00");
        assertThat(local(secondTuesday, BERLIN)).containsExactly("2026-11-10T15:00", "2026-12-08T15:00");
    }

    @Test
    void infiniteSeriesYieldsOnlyTheWindowIncludingAnOccurrenceStillRunningAtItsStart() {
        List<Instant> occurrences = Recurrence.occurrences("RRULE:FREQ=DAILY", at("2020-01-01T23:00", BERLIN), BERLIN, false,
                Duration.ofHours(2), at("2026-11-10T00:30", BERLIN), at("2026-11-11T00:00", BERLIN));

        assertThat(local(occurrences, BERLIN)).containsExactly("2026-11-09T23:00", "2026-11-10T23:00");
    }

    @Test
    void allDaySeriesExcludedByDate() {
        ZoneId utc = ZoneId.of("UTC");
        List<Instant> occurrences = Recurrence.occurrences("RRULE:FREQ=DAILY;COUNT=4\nEXDATE;VALUE=DATE:20261122",
                at("2026-11-21T00:00", utc), utc, true, Duration.ofDays(1), at("2026-11-01T00:00", utc), at("2026-12-01T00:00", utc));

        assertThat(local(occurrences, utc)).containsExactly("2026-11-21T00:00", "2026-11-23T00:00", "2026-11-24T00:00");
        assertThat(Recurrence.occurrenceId("abc", occurrences.get(0), utc, true)).isEqualTo("abc_20261121");
        assertThat(Recurrence.occurrenceId("abc", at("2026-11-03T10:00", NEW_YORK), NEW_YORK, false)).isEqualTo("abc_20261103T150000Z");
    }

    @Test
    void aWindowFarFromTheSeriesStartHasTheOccurrencesThatSteppingFromTheStartFinds() {
        java.util.Random random = new java.util.Random(3);
        List<String> rules = List.of("RRULE:FREQ=DAILY", "RRULE:FREQ=DAILY;INTERVAL=3", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
                "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "RRULE:FREQ=WEEKLY", "RRULE:FREQ=DAILY;UNTIL=20280101T000000Z\nEXDATE:20270330T070000Z");
        for (int i = 0; i < 400; i++) {
            String rule = rules.get(random.nextInt(rules.size()));
            ZoneId zone = random.nextBoolean() ? BERLIN : NEW_YORK;
            Instant seriesStart = at("2026-01-05T09:00", zone).plus(Duration.ofMinutes(15L * random.nextInt(4 * 24 * 200)));
            Duration length = random.nextInt(5) == 0 ? Duration.ofDays(1 + random.nextInt(3)) : Duration.ofMinutes(15L * (1 + random.nextInt(12)));
            Instant from = seriesStart.plus(Duration.ofMinutes(15L * (random.nextInt(4 * 24 * 500) - 4 * 24 * 20)));
            Instant to = from.plus(Duration.ofMinutes(15L * (1 + random.nextInt(4 * 24 * 10))));
            // stepping from the start: asked from before the series began, then cut to the window
            List<Instant> stepped = Recurrence.occurrences(rule, seriesStart, zone, false, length, seriesStart.minus(Duration.ofDays(1)), to)
                    .stream().filter(start -> start.plus(length).isAfter(from)).toList();
            assertThat(Recurrence.occurrences(rule, seriesStart, zone, false, length, from, to)).as("%s from %s in %s", rule, seriesStart, zone)
                    .isEqualTo(stepped);
        }
    }
}
