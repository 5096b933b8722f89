package io.calbridge.availability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.calbridge.availability.AvailabilityResponses.Reason;
import io.calbridge.availability.SlotRanking.Surroundings;
import io.calbridge.availability.WorkingHours.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ranking formula's parts one by one, on plain numbers: no Spring, no database. */
class SlotRankingTest {

    private static final long HOUR = 3600;
    private static final long MINUTE = 60;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** A Tuesday in winter: Berlin is UTC+1, New York UTC-5. */
    private static final LocalDate TUESDAY = LocalDate.of(2027, 3, 2);

    private static long berlin(int hour, int minute) {
        return TUESDAY.atTime(hour, minute).atZone(BERLIN).toEpochSecond();
    }

    @Test
    void theWeightsSumToOneAndNameEveryCode() {
        assertThat(Arrays.stream(SlotRanking.WEIGHTS).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(SlotRanking.CODES).containsExactly("preferred_hours", "habitual_time", "keeps_free_blocks", "buffer_room", "soon",
                "zone_comfort");
        assertThat(SlotRanking.WEIGHTS).hasSameSizeAs(SlotRanking.CODES.toArray());
    }

    @Test
    void preferredHoursIsTheShareOfTheSlotInsideThem() {
        List<Window> preferred = List.of(new Window(berlin(10, 0), berlin(12, 0)));

        assertThat(SlotRanking.preferredHours(preferred, berlin(10, 0), berlin(11, 0))).isEqualTo(1.0);
        assertThat(SlotRanking.preferredHours(preferred, berlin(11, 30), berlin(12, 30))).isEqualTo(0.5);
        assertThat(SlotRanking.preferredHours(preferred, berlin(14, 0), berlin(15, 0))).isEqualTo(0.0);
        assertThat(SlotRanking.preferredHours(null, berlin(14, 0), berlin(15, 0))).as("none given: every slot is preferred").isEqualTo(1.0);
        assertThat(SlotRanking.preferredHours(List.of(), berlin(14, 0), berlin(15, 0))).as("given, but none that day").isEqualTo(0.0);
    }

    @Test
    void theHistogramCountsMeetingStartsPerWeekdayAndHourOfTheZone() {
        Instant tuesdayTen = TUESDAY.atTime(10, 15).atZone(BERLIN).toInstant();
        int[] counts = SlotRanking.histogram(List.of(tuesdayTen, tuesdayTen.minusSeconds(7 * 24 * HOUR), tuesdayTen.plusSeconds(5 * HOUR)), BERLIN);

        assertThat(counts).hasSize(168);
        assertThat(counts[24 + 10]).as("Tuesday 10:00-10:59").isEqualTo(2);
        assertThat(counts[24 + 15]).as("Tuesday 15:00-15:59").isEqualTo(1);
        assertThat(Arrays.stream(counts).sum()).isEqualTo(3);
        assertThat(SlotRanking.histogram(List.of(tuesdayTen), NEW_YORK)[24 + 4]).as("04:15 in New York").isEqualTo(1);
    }

    @Test
    void habitIsTheHistogramOverItsMaximumAveragedOverTheUsers() {
        int[] tens = new int[168];
        tens[24 + 10] = 4;
        tens[24 + 15] = 1;
        int[] none = new int[168];
        ZonedDateTime ten = TUESDAY.atTime(10, 0).atZone(BERLIN);
        ZonedDateTime fifteen = TUESDAY.atTime(15, 30).atZone(BERLIN);

        assertThat(SlotRanking.habit(List.of(tens), ten)).isEqualTo(1.0);
        assertThat(SlotRanking.habit(List.of(tens), fifteen)).isEqualTo(0.25);
        assertThat(SlotRanking.habit(List.of(none), ten)).as("no history").isEqualTo(0.0);
        assertThat(SlotRanking.habit(List.of(tens, none), ten)).as("two users").isEqualTo(0.5);
        assertThat(SlotRanking.habit(List.of(), ten)).isEqualTo(0.0);
    }

    @Test
    void keepsFreeBlocksIsOneAtAnEdgeAndZeroInTheMiddle() {
        long blockStart = berlin(14, 0);
        long blockEnd = berlin(17, 0);

        assertThat(SlotRanking.keepsFreeBlocks(blockStart, berlin(14, 0), berlin(15, 0), blockEnd)).as("next to the meeting").isEqualTo(1.0);
        assertThat(SlotRanking.keepsFreeBlocks(blockStart, berlin(16, 0), berlin(17, 0), blockEnd)).as("at the day's end").isEqualTo(1.0);
        assertThat(SlotRanking.keepsFreeBlocks(blockStart, berlin(15, 0), berlin(16, 0), blockEnd)).as("splits it in halves").isEqualTo(0.0);
        assertThat(SlotRanking.keepsFreeBlocks(blockStart, berlin(14, 30), berlin(15, 30), blockEnd)).as("30 and 90 minutes left")
                .isEqualTo(0.5);
        assertThat(SlotRanking.keepsFreeBlocks(blockStart, blockStart, blockEnd, blockEnd)).as("fills it").isEqualTo(1.0);
    }

    @Test
    void bufferRoomCountsUpToThirtyMinutesEachSide() {
        assertThat(SlotRanking.bufferRoom(0, 0)).isEqualTo(0.0);
        assertThat(SlotRanking.bufferRoom(0, 30 * MINUTE)).isEqualTo(0.5);
        assertThat(SlotRanking.bufferRoom(15 * MINUTE, 15 * MINUTE)).isEqualTo(0.5);
        assertThat(SlotRanking.bufferRoom(2 * HOUR, Long.MAX_VALUE)).isEqualTo(1.0);
    }

    @Test
    void soonFallsLinearlyOverTheRange() {
        long from = berlin(0, 0);
        long to = from + 24 * HOUR;

        assertThat(SlotRanking.soon(from, from, to)).isEqualTo(1.0);
        assertThat(SlotRanking.soon(from + 6 * HOUR, from, to)).isEqualTo(0.75);
        assertThat(SlotRanking.soon(to, from, to)).isEqualTo(0.0);
    }

    @Test
    void painCountsMinutesBeforeNineAndAfterFiveUpToFourHours() {
        assertThat(SlotRanking.pain(9 * 60, 60)).isEqualTo(0.0);
        assertThat(SlotRanking.pain(16 * 60, 60)).as("ends at 17:00").isEqualTo(0.0);
        assertThat(SlotRanking.pain(8 * 60, 60)).isEqualTo(0.25);
        assertThat(SlotRanking.pain(17 * 60, 60)).as("ends at 18:00").isEqualTo(0.25);
        assertThat(SlotRanking.pain(3 * 60, 60)).isEqualTo(1.0);
    }

    @Test
    void zoneComfortAveragesOverTheParticipantsZones() {
        long nineBerlin = berlin(9, 0);
        long threeBerlin = berlin(15, 0);

        assertThat(SlotRanking.zoneComfort(nineBerlin, HOUR, List.of(BERLIN))).isEqualTo(1.0);
        assertThat(SlotRanking.zoneComfort(nineBerlin, HOUR, List.of(BERLIN, NEW_YORK))).as("03:00 in New York").isEqualTo(0.5);
        assertThat(SlotRanking.zoneComfort(threeBerlin, HOUR, List.of(BERLIN, NEW_YORK))).as("09:00 in New York").isEqualTo(1.0);
        assertThat(SlotRanking.zoneComfort(nineBerlin, HOUR, List.of())).isEqualTo(1.0);
    }

    @Test
    void surroundingsFindTheNearestBusyEdgesOfEveryUserWithinTheWindow() {
        Window day = new Window(berlin(9, 0), berlin(17, 0));
        BusyTimeline alice = new BusyTimeline.Builder().add(berlin(10, 0), berlin(11, 0)).add(berlin(15, 0), berlin(16, 0)).build();
        BusyTimeline bob = new BusyTimeline.Builder().add(berlin(11, 30), berlin(12, 0)).build();

        Surroundings both = SlotRanking.surroundings(berlin(13, 0), berlin(14, 0), day, List.of(alice, bob));
        assertThat(both).isEqualTo(new Surroundings(berlin(12, 0), berlin(15, 0), HOUR, HOUR));

        Surroundings early = SlotRanking.surroundings(berlin(9, 0), berlin(9, 30), day, List.of(alice));
        assertThat(early).isEqualTo(new Surroundings(berlin(9, 0), berlin(10, 0), Long.MAX_VALUE, 30 * MINUTE));

        Surroundings free = SlotRanking.surroundings(berlin(12, 0), berlin(13, 0), day, List.of(BusyTimeline.EMPTY));
        assertThat(free).isEqualTo(new Surroundings(berlin(9, 0), berlin(17, 0), Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void theScoreIsTheWeightedSumAndTheReasonsCarryWeightAndValueRoundedToThreeDecimals() {
        double[] values = {1, 0.5, 1.0 / 3, 1, 0.25, 1};

        assertThat(SlotRanking.score(values)).as("0.2 + 0.1 + 0.05 + 0.1 + 0.025 + 0.25").isEqualTo(0.725);
        List<Reason> reasons = SlotRanking.reasons(values);
        assertThat(reasons).extracting(Reason::code).containsExactlyElementsOf(SlotRanking.CODES);
        assertThat(reasons.get(2)).isEqualTo(new Reason("keeps_free_blocks", 0.15, 0.333));
    }

    /** The README's worked example, number for number. */
    @Test
    void theReadmeExample() {
        long from = berlin(0, 0);
        Window day = new Window(berlin(9, 0), berlin(17, 0));
        BusyTimeline busy = new BusyTimeline.Builder().add(berlin(13, 0), berlin(14, 0)).build();
        int[] habits = new int[168];
        habits[24 + 14] = 3;
        habits[24 + 10] = 6;
        SlotRanking.Context context = new SlotRanking.Context(from, from + 24 * HOUR, List.of(new Window(berlin(14, 0), berlin(17, 0))),
                List.of(day), List.of(BERLIN, NEW_YORK), BERLIN);

        double[] values = SlotRanking.values(context, berlin(14, 0), HOUR, List.of(busy), List.of(habits));

        assertThat(values).containsExactly(new double[] {1.0, 0.5, 1.0, 0.5, 10.0 / 24, 0.875}, within(1e-9));
        assertThat(SlotRanking.score(values)).isEqualTo(0.76);
        assertThat(SlotRanking.reasons(values).get(4).value()).isEqualTo(0.417);
    }
}
