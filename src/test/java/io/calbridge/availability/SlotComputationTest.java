package io.calbridge.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.availability.WorkingHours.Range;
import io.calbridge.availability.WorkingHours.Window;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure parts: merging busy time, laying out working hours, the grid and the sweep. No Spring, no database. */
class SlotComputationTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void overlappingTouchingAndNestedIntervalsMergeAndTheOrderOfAddingDoesNotMatter() {
        BusyTimeline timeline = new BusyTimeline.Builder().add(50, 60).add(10, 20).add(20, 30).add(12, 15).add(40, 45).add(42, 55)
                .add(70, 70).build();

        assertThat(intervals(timeline)).containsExactly(List.of(10L, 30L), List.of(40L, 60L));
    }

    @Test
    void mergingAgreesWithABruteForceMinuteMapOnRandomIntervals() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            BusyTimeline.Builder builder = new BusyTimeline.Builder();
            boolean[] busy = new boolean[500];
            for (int i = 0; i < random.nextInt(30); i++) {
                int start = random.nextInt(480);
                int end = start + random.nextInt(20);
                builder.add(start, end);
                for (int minute = start; minute < end; minute++) {
                    busy[minute] = true;
                }
            }
            BusyTimeline timeline = builder.build();
            for (int minute = 0; minute < busy.length; minute++) {
                assertThat(timeline.overlaps(minute, minute + 1)).as("round %d minute %d", round, minute).isEqualTo(busy[minute]);
            }
        }
    }

    @Test
    void theSweepHonoursBuffersOnTheRightSides() {
        BusyTimeline lunch = new BusyTimeline.Builder().add(minutes(12, 0), minutes(13, 0)).build();
        long[] hourly = {minutes(10, 0), minutes(11, 0), minutes(12, 0), minutes(13, 0), minutes(14, 0)};

        boolean[] plain = SlotFinder.free(hourly, 3600, lunch, 0, 0);
        boolean[] buffered = SlotFinder.free(hourly, 3600, lunch, 30 * 60, 15 * 60);
        boolean[] onlyAfter = SlotFinder.free(hourly, 3600, lunch, 0, 60 * 60);

        assertThat(plain).containsExactly(true, true, false, true, true);
        assertThat(buffered).as("11:00-12:00 meets the 30 minutes before lunch, 13:00 the 15 after").containsExactly(true, false, false, false, true);
        assertThat(onlyAfter).containsExactly(true, true, false, false, true);
    }

    @Test
    void theGridStartsAtEachWindowAndSkipsWhatIsTooSoonOrTooLate() {
        List<Window> windows = List.of(new Window(minutes(9, 0), minutes(12, 0)), new Window(minutes(13, 0), minutes(14, 15)));

        long[] candidates = SlotFinder.candidates(windows, 0, Long.MAX_VALUE, minutes(9, 40), 30 * 60, 45 * 60);

        assertThat(candidates).containsExactly(minutes(9, 45), minutes(10, 30), minutes(11, 15), minutes(13, 0), minutes(13, 45));
    }

    @Test
    void workingHoursStayAtTheirWallClockTimeAcrossDstAndOverridesReplaceADay() {
        WorkingHours hours = WorkingHours.DEFAULT.withOverrides(Map.of(LocalDate.of(2027, 3, 16), List.of(),
                LocalDate.of(2027, 3, 13), List.of(new Range(10 * 60, 12 * 60))));

        List<Window> windows = hours.windows(NEW_YORK, Instant.parse("2027-03-12T00:00:00Z"), Instant.parse("2027-03-17T00:00:00Z"));

        assertThat(windows).extracting(w -> local(w.start()) + "-" + local(w.end()).toLocalTime()).containsExactly(
                "2027-03-12T09:00-17:00", "2027-03-13T10:00-12:00", "2027-03-15T09:00-17:00");
        assertThat(windows.get(0).end() - windows.get(0).start()).isEqualTo(8 * 3600);
        assertThat(Instant.ofEpochSecond(windows.get(2).start())).as("09:00 EDT").isEqualTo(Instant.parse("2027-03-15T13:00:00Z"));
    }

    @Test
    void aRangeTheSpringForwardGapSwallowsYieldsNothingAndMidnightEndsAreWholeDays() {
        WorkingHours nights = new WorkingHours(Map.of(DayOfWeek.SUNDAY, List.of(new Range(2 * 60, 3 * 60), new Range(22 * 60, 24 * 60))),
                Map.of());

        List<Window> windows = nights.windows(NEW_YORK, Instant.parse("2027-03-14T00:00:00Z"), Instant.parse("2027-03-16T00:00:00Z"));

        assertThat(windows).extracting(w -> local(w.start()) + "-" + local(w.end())).containsExactly("2027-03-14T22:00-2027-03-15T00:00");
    }

    @Test
    void allDayBusyDaysAreLaidOutInTheAskersZone() {
        LocalDate day = LocalDate.of(2027, 3, 15);
        UserBusyTime.Items items = new UserBusyTime.Items();
        items.allDay(day.atStartOfDay(ZoneOffset.UTC).toEpochSecond(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond(), day,
                day.plusDays(1));
        UserBusyTime busy = new UserBusyTime(1, "", Instant.EPOCH, 0, Long.MAX_VALUE, items);

        BusyTimeline inNewYork = busy.in(NEW_YORK);
        BusyTimeline inUtc = busy.in(ZoneOffset.UTC);

        assertThat(Instant.ofEpochSecond(inNewYork.start(0))).isEqualTo(Instant.parse("2027-03-15T04:00:00Z"));
        assertThat(Instant.ofEpochSecond(inUtc.start(0))).isEqualTo(Instant.parse("2027-03-15T00:00:00Z"));
        assertThat(busy.in(ZoneOffset.UTC)).as("the last zone's timeline is kept").isSameAs(inUtc);
    }

    @Test
    void theCacheDropsTheLeastRecentlyAskedUsersFirstButKeepsTheNewest() {
        BusyCache cache = new BusyCache(100);
        UserBusyTime small = new UserBusyTime(1, "", Instant.EPOCH, 0, 1, new UserBusyTime.Items());
        cache.put("a", small);
        cache.put("b", small);
        cache.get("a");
        UserBusyTime.Items big = new UserBusyTime.Items();
        for (int i = 0; i < 30; i++) {
            big.event(i * 10L, i * 10L + 5); // weighs 30 intervals twice: merged, and unmerged for updates
        }

        cache.put("c", new UserBusyTime(1, "", Instant.EPOCH, 0, 1, big));

        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isSameAs(small);
        assertThat(cache.get("c")).isNotNull();
        assertThat(cache.weight()).isLessThanOrEqualTo(100);
    }

    private static long minutes(int hour, int minute) {
        return hour * 3600L + minute * 60L;
    }

    private static LocalDateTime local(long epochSecond) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), NEW_YORK);
    }

    private static List<List<Long>> intervals(BusyTimeline timeline) {
        List<List<Long>> result = new ArrayList<>();
        for (int i = 0; i < timeline.size(); i++) {
            result.add(List.of(timeline.start(i), timeline.end(i)));
        }
        return result;
    }
}
