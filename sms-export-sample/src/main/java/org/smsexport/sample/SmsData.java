package org.smsexport.sample;

import java.time.LocalDate;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.smsexport.ExportType;
import org.smsexport.spi.RowCursor;

/**
 * A deterministic generator of realistic Student Management System data: students with Greek and Latin
 * names, courses, grades, enrollments and attendance. Row {@code i} of a type is always the same (it
 * depends only on the type, {@code i} and the seed), rows refer to each other consistently (grade rows name
 * the student whose id they carry), and nothing is held in memory: a cursor of a billion rows costs one
 * row. Thread-safe (stateless).
 */
public final class SmsData {

    private static final String[] GREEK_FIRST = {"Γιώργος", "Μαρία", "Δημήτρης", "Ελένη", "Νίκος", "Αικατερίνη",
        "Κωνσταντίνος", "Σοφία", "Ιωάννης", "Αναστασία", "Παναγιώτης", "Χριστίνα", "Βασίλειος", "Ευαγγελία", "Αθανάσιος",
        "Δέσποινα"};
    private static final String[] GREEK_LAST = {"Παπαδόπουλος", "Παπαδοπούλου", "Γεωργίου", "Νικολάου", "Οικονόμου",
        "Καραγιάννης", "Βασιλείου", "Αλεξίου", "Μακρή", "Ζαχαρίου", "Αντωνίου", "Χατζηδάκης", "Ιωαννίδου", "Δημητρίου"};
    private static final String[] LATIN_FIRST = {"George", "Maria", "Dimitris", "Eleni", "Nikos", "Katerina", "Kostas",
        "Sofia", "John", "Anastasia", "Zoë", "José", "Ana-Lucía", "François", "Björn", "Siobhán"};
    private static final String[] LATIN_LAST = {"Papadopoulos", "Georgiou", "Nikolaou", "Smith", "O'Brien", "García",
        "Müller", "Dubois", "Rossi", "Nowak", "Johansson", "van der Berg", "Økland", "Ferreira"};
    private static final String[] COURSE_NAMES = {"Μαθηματικά", "Φυσική", "Χημεία", "Ιστορία", "Αρχαία Ελληνικά",
        "Programming I", "Data Structures", "Databases", "Linear Algebra", "Networks", "Operating Systems",
        "Software Engineering", "Πληροφορική", "Statistics", "Βιολογία", "Economics"};
    private static final String[] COURSE_PREFIX = {"MTH", "PHY", "CHE", "HIS", "GRK", "CS", "CS", "CS", "MTH", "NET", "CS",
        "SE", "INF", "STA", "BIO", "ECO"};
    private static final String[] CATEGORIES = {"Homework", "Midterm", "Final Exam", "Lab", "Project", "Quiz"};
    private static final String[] ATTENDANCE = {"Present", "Present", "Present", "Present", "Present", "Absent", "Late",
        "Excused"};
    private static final String[] DIVISIONS = {"A1", "A2", "B1", "B2", "C1", "C2"};
    private static final String[] SEMESTERS = {"Fall 2025", "Spring 2026", "Χειμερινό 2025", "Εαρινό 2026"};
    private static final LocalDate BASE = LocalDate.of(2021, 9, 1);

    private final long seed;
    private final long students;
    private final long courses;

    private SmsData(long seed, long students, long courses) {
        this.seed = seed;
        this.students = students;
        this.courses = courses;
    }

    /** @return a generator with seed 42, 10,000 students and 40 courses to refer to */
    public static SmsData standard() {
        return new SmsData(42, 10_000, 40);
    }

    /**
     * @param seed     the seed; same seed, same data
     * @param students how many students grade, enrollment and attendance rows refer to (ids 1..students)
     * @param courses  how many courses they refer to (ids 1..courses)
     * @return a generator
     */
    public static SmsData of(long seed, long students, long courses) {
        if (students < 1 || courses < 1) {
            throw new IllegalArgumentException("students and courses must be at least 1");
        }
        return new SmsData(seed, students, courses);
    }

    /**
     * The data set a database sample holds ({@code SampleData.load} in sms-export-jdbc, and the data source
     * contract of the test kit): seed 42, one course per 250 students (10 to 200), and per student five grades,
     * two enrollments and five attendance rows ({@link #sampleRows}).
     *
     * @param students how many students (1 or more)
     * @return the generator of that data set
     */
    public static SmsData sample(long students) {
        return of(42, students, Math.max(10, Math.min(200, students / 250)));
    }

    /**
     * @param type a built-in type
     * @return how many rows of it a sample of this generator's size holds ({@link #sample})
     */
    public long sampleRows(ExportType type) {
        switch (type.name()) {
            case "students":
                return students;
            case "courses":
                return courses;
            case "enrollments":
                return students * 2;
            case "grades":
            case "attendance":
                return students * 5;
            default:
                throw new IllegalArgumentException("SmsData generates the built-in types only, not '" + type.name() + "'");
        }
    }

    /**
     * Row {@code index} (0-based) of a built-in type; its id is {@code index + 1}.
     *
     * @param type  a built-in type
     * @param index the row number
     * @return the row's values in column order
     */
    public Object[] row(ExportType type, long index) {
        switch (type.name()) {
            case "students":
                return student(index + 1);
            case "courses":
                return course(index + 1);
            case "grades":
                return grade(index + 1);
            case "enrollments":
                return enrollment(index + 1);
            case "attendance":
                return attendance(index + 1);
            default:
                throw new IllegalArgumentException("SmsData generates the built-in types only, not '" + type.name() + "'");
        }
    }

    /**
     * @param type a built-in type
     * @param rows how many rows
     * @return an iterator producing rows 0..rows-1 lazily
     */
    public Iterator<Object[]> rows(ExportType type, long rows) {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < rows;
            }

            @Override
            public Object[] next() {
                if (next >= rows) {
                    throw new NoSuchElementException();
                }
                return row(type, next++);
            }
        };
    }

    /**
     * @param type a built-in type
     * @param rows how many rows
     * @return a cursor producing rows lazily
     */
    public RowCursor cursor(ExportType type, long rows) {
        return RowCursor.of(rows(type, rows));
    }

    /**
     * @param id a student id, 1-based
     * @return the student's full name ("first last"), as grade rows show it
     */
    public String studentName(long id) {
        Object[] s = student(id);
        return s[2] + " " + s[3];
    }

    private SplittableRandom random(long kind, long id) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ kind * 0xC2B2AE3D27D4EB4FL ^ id);
    }

    private Object[] student(long id) {
        SplittableRandom r = random(1, id);
        boolean greek = r.nextInt(10) < 7;
        String first = pick(r, greek ? GREEK_FIRST : LATIN_FIRST);
        String last = pick(r, greek ? GREEK_LAST : LATIN_LAST);
        String father = pick(r, greek ? GREEK_FIRST : LATIN_FIRST);
        String email = "student" + id + "@uni.example.edu";
        String mobile = "69" + (10_000_000 + r.nextInt(90_000_000));
        String phone = r.nextInt(3) == 0 ? null : "210" + (1_000_000 + r.nextInt(9_000_000));
        int year = 1 + r.nextInt(4);
        int firstYear = 2022 + r.nextInt(4);
        String academicYear = firstYear + "-" + (firstYear + 1); // a school year is Y-(Y+1), never 2025-2023
        LocalDate enrolled = BASE.plusDays(r.nextInt(1500));
        String status = r.nextInt(10) == 0 ? "inactive" : "active";
        return new Object[] {id, studentCode(id), first, last, father, email, mobile,
            phone, (long) year, academicYear, pick(r, DIVISIONS), enrolled, status};
    }

    private static String studentCode(long id) {
        String digits = Long.toString(id);
        return digits.length() >= 6 ? "STU" + digits : "STU" + "000000".substring(digits.length()) + digits;
    }

    private Object[] course(long id) {
        SplittableRandom r = random(2, id);
        int k = (int) ((id - 1) % COURSE_NAMES.length);
        String code = COURSE_PREFIX[k] + (100 + id);
        String name = COURSE_NAMES[k] + (id > COURSE_NAMES.length ? " " + ((id - 1) / COURSE_NAMES.length + 1) : "");
        long credits = 2 + r.nextInt(6);
        double hours = 2 + r.nextInt(5) + (r.nextBoolean() ? 0.5 : 0);
        long periods = 2 + r.nextInt(4);
        double penalty = r.nextInt(40) / 4.0;
        String description = r.nextInt(4) == 0 ? null : "Εισαγωγή στο αντικείμενο: " + name + ". Lectures, labs & exams.";
        return new Object[] {id, code, name, pick(r, SEMESTERS), credits, hours, periods, penalty, description};
    }

    private String courseCode(long courseId) {
        return (String) course(courseId)[1];
    }

    private String courseName(long courseId) {
        return (String) course(courseId)[2];
    }

    /**
     * The course a grade, enrollment or attendance row refers to (rows show its code and name; databases
     * store its id).
     *
     * @param type  grades, enrollments or attendance
     * @param index the row number, 0-based
     * @return the course id, 1-based
     */
    public long courseId(ExportType type, long index) {
        int kind;
        switch (type.name()) {
            case "grades":
                kind = 3;
                break;
            case "enrollments":
                kind = 4;
                break;
            case "attendance":
                kind = 5;
                break;
            default:
                throw new IllegalArgumentException("Rows of '" + type.name() + "' refer to no course");
        }
        SplittableRandom r = random(kind, index + 1);
        r.nextLong();
        return 1 + Math.floorMod(r.nextLong(), courses);
    }

    /** @return how many courses rows refer to */
    public long courses() {
        return courses;
    }

    /** @return how many students rows refer to */
    public long students() {
        return students;
    }

    private Object[] grade(long id) {
        SplittableRandom r = random(3, id);
        long studentId = 1 + Math.floorMod(r.nextLong(), students);
        long courseId = 1 + Math.floorMod(r.nextLong(), courses);
        String category = pick(r, CATEGORIES);
        double max = r.nextInt(5) == 0 ? 10.0 : 100.0;
        double grade = Math.round(r.nextDouble() * max * 100) / 100.0;
        double weight = (1 + r.nextInt(4)) / 4.0;
        LocalDate assigned = BASE.plusDays(r.nextInt(1500));
        LocalDate submitted = r.nextInt(8) == 0 ? null : assigned.plusDays(r.nextInt(21));
        return new Object[] {id, studentId, studentName(studentId), courseCode(courseId), courseName(courseId),
            category + " " + (1 + r.nextInt(6)), category, grade, max, grade / max * 100, weight, assigned, submitted};
    }

    private Object[] enrollment(long id) {
        SplittableRandom r = random(4, id);
        long studentId = 1 + Math.floorMod(r.nextLong(), students);
        long courseId = 1 + Math.floorMod(r.nextLong(), courses);
        String[] statuses = {"active", "active", "active", "completed", "dropped"};
        return new Object[] {id, studentId, studentName(studentId), courseCode(courseId), courseName(courseId),
            BASE.plusDays(r.nextInt(1500)), pick(r, statuses)};
    }

    private Object[] attendance(long id) {
        SplittableRandom r = random(5, id);
        long studentId = 1 + Math.floorMod(r.nextLong(), students);
        long courseId = 1 + Math.floorMod(r.nextLong(), courses);
        String status = pick(r, ATTENDANCE);
        String notes = "Absent".equals(status) && r.nextBoolean() ? "Ιατρική βεβαίωση / medical note" : null;
        return new Object[] {id, studentId, studentName(studentId), courseCode(courseId), BASE.plusDays(r.nextInt(1500)),
            (long) (1 + r.nextInt(7)), status, notes};
    }

    private static String pick(SplittableRandom r, String[] values) {
        return values[r.nextInt(values.length)];
    }
}
