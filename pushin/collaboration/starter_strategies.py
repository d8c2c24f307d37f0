"""The starter strategy library: concrete classroom supports with a short how-to.

Each district gets its own editable copy (`services.strategies_seed`). The texts are our
own plain-language summaries of common school-OT practice, written for a teacher or a
para who has not been trained in therapy. Domain ids are `pushin.vocabulary.Domain`
values; `printable` is one of `PAPER_KINDS` when the strategy comes with adapted paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from pushin.vocabulary import Domain

RAISED_LINE = "raised_line"
HIGHLIGHTED_BAND = "highlighted_band"
BOLD_LINES = "bold_lines"
BOX = "box"

PAPER_KINDS: tuple[tuple[str, str], ...] = (
    (RAISED_LINE, "Raised-line paper"),
    (HIGHLIGHTED_BAND, "Highlighted writing band paper"),
    (BOLD_LINES, "Bold-line paper"),
    (BOX, "Box paper"),
)

HW = Domain.HANDWRITING.value
FM = Domain.FINE_MOTOR.value
SEN = Domain.SENSORY.value
SOC = Domain.SOCIAL.value
ATT = Domain.ATTENTION.value
SC = Domain.SELF_CARE.value
MP = Domain.MOTOR_PLANNING.value
TR = Domain.TRANSITIONS.value
KB = Domain.KEYBOARDING.value
TT = Domain.TEST_TAKING.value


@dataclass(frozen=True)
class Starter:
    name: str
    how_to: str
    when_to_use: str
    materials: str
    domains: tuple[str, ...]
    printable: str = ""


STARTERS: tuple[Starter, ...] = (
    # --- Handwriting / visual-motor ---------------------------------------------------
    Starter(
        "Raised-line paper",
        "Give the student raised-line paper for written work. Show once: run a finger along "
        "the bumpy line, then write so the letters 'stop at the bump'. Praise letters that "
        "sit on the line.",
        "Any writing task: journals, spelling, worksheets with lines.",
        "Raised-line paper (print it, then trace the lines with glue and let it dry)",
        (HW,),
        RAISED_LINE,
    ),
    Starter(
        "Highlighted writing band paper",
        "Use paper where the space for lowercase letters is highlighted. Cue: 'small letters "
        "stay in the yellow, tall letters reach up, tails go down'. Fade to plain paper as "
        "letters stay sized.",
        "Copying and free writing when letter sizes are mixed.",
        "Highlighted band paper",
        (HW,),
        HIGHLIGHTED_BAND,
    ),
    Starter(
        "Bold-line paper",
        "Swap regular lined paper for bold-line paper so the lines are easy to see. Say "
        "'start on the line, land on the line'.",
        "Writing tasks when the student drifts off faint lines.",
        "Bold-line paper",
        (HW,),
        BOLD_LINES,
    ),
    Starter(
        "Box paper",
        "Use paper with one box per letter (or per number in math). One letter, one box; a "
        "finger-width box between words.",
        "Spelling, short answers, and lining up math problems.",
        "Box paper",
        (HW, FM),
        BOX,
    ),
    Starter(
        "Slant board",
        "Set the slant board on the desk with the paper clipped on. The wrist rests on the "
        "board and the elbow on the desk. Check the student can see the board from their seat.",
        "Writing and drawing at the desk; copying from a book.",
        "Slant board or a 3-inch binder turned sideways, clip",
        (HW, FM),
    ),
    Starter(
        "Pencil grip",
        "Slide the grip onto the pencil where the fingers go. Show the student where the "
        "thumb and pointer sit; a quiet tap on the grip is the reminder, no words needed.",
        "Every pencil task; keep one on the student's pencil in the pencil box.",
        "Pencil grip (the type the OT chose), short pencil",
        (HW, FM),
    ),
    Starter(
        "Chunked copying",
        "Instead of copying from the board, give a paper copy on the desk. Cover all but one "
        "line (a sticky note or index card); the student copies it, then slides the card down.",
        "Copying from the board or a chart.",
        "Paper copy of the board text, index card or sticky note",
        (HW, ATT),
    ),
    Starter(
        "Letter formation strip",
        "Tape an alphabet strip with start dots and arrows to the desk. When a letter is "
        "formed wrong, point to it on the strip and let the student self-check.",
        "Writing practice and journals.",
        "Alphabet strip with start dots and arrows, tape",
        (HW,),
    ),
    Starter(
        "Spacing tool",
        "Give the student a craft stick (a 'spaceman') to put after each word before "
        "starting the next. Fade once spaces are consistent.",
        "Sentence writing.",
        "Craft stick, decorated if the student likes",
        (HW,),
    ),
    # --- Fine motor -------------------------------------------------------------------
    Starter(
        "Hand warm-up before writing",
        "One minute before writing: palm presses, finger taps thumb-to-each-finger, crumple a "
        "sheet of scrap paper with one hand. Do it with the whole table so no one is singled out.",
        "Right before a writing block.",
        "Scrap paper",
        (FM, HW),
    ),
    Starter(
        "Adapted scissors",
        "Offer loop or spring-open scissors. Thumb up on top, paper hand turns the paper, "
        "cut on a thick line first.",
        "Art and cut-and-paste tasks.",
        "Loop or spring-open scissors, thick-line cutting practice",
        (FM,),
    ),
    Starter(
        "Zipper and button practice",
        "Give the student time to zip and button their own coat: start the zipper for them "
        "only if asked, then wait. Count buttons together bottom to top.",
        "Arrival, dismissal, and before recess.",
        "The student's own coat; a button board for practice",
        (FM, SC),
    ),
    Starter(
        "Tweezers and clothespin jobs",
        "Turn a classroom job into pinching practice: clip papers with clothespins, sort "
        "small counters with tweezers, hang work on a line.",
        "Centers, classroom jobs, early finishers.",
        "Clothespins, tweezers, counters",
        (FM,),
    ),
    # --- Sensory regulation -----------------------------------------------------------
    Starter(
        "Wiggle cushion",
        "Put the cushion on the student's chair. Wiggling on it is allowed; standing on it is "
        "not. Try it for a week before deciding if it helps.",
        "Seated work: carpet time, independent work, writing.",
        "Air-filled wiggle cushion",
        (SEN, ATT),
    ),
    Starter(
        "Alternative seating",
        "Offer a choice of two seats (standing at a counter, a stool, a beanbag for reading). "
        "The student picks at the start of the block and keeps it for the block.",
        "Independent work and reading.",
        "Standing spot, stool, or beanbag",
        (SEN, ATT),
    ),
    Starter(
        "Noise-reducing headphones",
        "Keep the headphones in the same place. The student may put them on during loud "
        "times without asking; take them off for instructions (a tap on the shoulder).",
        "Noisy group work, assemblies, fire-drill practice, lunch.",
        "Noise-reducing headphones",
        (SEN,),
    ),
    Starter(
        "Movement break",
        "Before the student gets restless: send them on a 2-minute errand or lead a class "
        "stretch (wall push-ups, jumps, reach to the sky). Same time each day works best.",
        "Between long seated tasks, after lunch.",
        "None (an errand card helps)",
        (SEN, ATT, MP),
    ),
    Starter(
        "Breathing routine",
        "Teach one breathing pattern and use only that one: 'smell the flower, blow out the "
        "candle' five times. Practise it when calm so it works when upset; model it yourself.",
        "Before tests, after recess, when the student starts to get upset.",
        "Breathing card with pictures",
        (SEN, TR),
    ),
    Starter(
        "Fidget",
        "Offer one quiet fidget that stays in the hand and under the desk. If it becomes a toy "
        "(thrown, shared), it goes back in the box and comes back tomorrow.",
        "Listening times: carpet, read-aloud, instructions.",
        "Quiet fidget (putty, textured strip under the desk)",
        (SEN, ATT),
    ),
    Starter(
        "Heavy work jobs",
        "Give jobs that push or carry something heavy: carry the book bin, push the chairs "
        "in, wipe the tables, take the library cart. A few minutes calms many students.",
        "Before seated work, after recess, when the student seeks movement.",
        "Book bin or crate, cleaning cloth",
        (SEN, MP),
    ),
    Starter(
        "Weighted lap pad (per district policy)",
        "Only as the district's policy allows and as the OT set it up: the pad rests on the "
        "lap during seated work, never over the head or body, never as a consequence, and the "
        "student can take it off any time. Limit to the time the OT gave.",
        "Seated listening or writing, only within the OT's time limit.",
        "Weighted lap pad chosen by the OT",
        (SEN,),
    ),
    Starter(
        "Calm-down corner",
        "Set up a quiet spot with a timer, a breathing card and a feelings chart. The "
        "student can ask to go (card or word), uses the timer, then returns and checks in "
        "with a thumbs-up.",
        "When the student is upset or overwhelmed.",
        "Quiet corner, sand timer, feelings chart, breathing card",
        (SEN, SOC),
    ),
    # --- Social participation ---------------------------------------------------------
    Starter(
        "Social story",
        "Read the short story with the student before the situation (it describes what "
        "happens and what the student can do). Read it at a calm time, the same way each time.",
        "Before a new or hard situation: assembly, substitute, field trip.",
        "Printed social story written by the OT or teacher",
        (SOC, TR),
    ),
    Starter(
        "Peer buddy",
        "Pair the student with a kind classmate for a set task (carry materials together, "
        "partner reading). Tell the buddy what to do, not about the student's needs.",
        "Centers, group projects, recess games.",
        "None",
        (SOC,),
    ),
    Starter(
        "Turn-taking cue cards",
        "Use two cards, 'my turn' and 'your turn', passed between players. Model it in the "
        "group so everyone uses the cards, not only the student.",
        "Games at centers, group projects, recess.",
        "'My turn' / 'your turn' cards",
        (SOC,),
    ),
    Starter(
        "Conversation starters",
        "Give the student a small card with three question starters ('What did you…', 'Do "
        "you like…'). Practise one before lunch or recess.",
        "Lunch, recess, partner work.",
        "Conversation starter card",
        (SOC,),
    ),
    # --- Attention / executive function -----------------------------------------------
    Starter(
        "Visual schedule",
        "Post the day's order with pictures on the desk or wall. The student checks off or "
        "moves each item when it is done; preview changes before they happen.",
        "All day; especially mornings and days with changes.",
        "Picture schedule strip, velcro or dry-erase marker",
        (ATT, TR),
    ),
    Starter(
        "Timer",
        "Show how long the task lasts with a visual timer. Set it where the student can see "
        "it; when it rings, praise the work done and give the next step.",
        "Independent work, clean-up, breaks.",
        "Visual timer (sand timer or a timer app)",
        (ATT, TR),
    ),
    Starter(
        "First-then board",
        "Show two pictures: 'first' the task, 'then' the reward or next thing. Point and say "
        "it once; point again instead of repeating words.",
        "Starting a non-preferred task; transitions.",
        "First-then board with pictures",
        (ATT, TR),
    ),
    Starter(
        "Task checklist",
        "Break the task into 3-5 steps on a checklist. The student ticks each step; the "
        "adult points to the next step instead of giving a verbal reminder.",
        "Independent work, unpacking, cleaning up, multi-step assignments.",
        "Laminated checklist, dry-erase marker",
        (ATT, SC),
    ),
    Starter(
        "Color-coded folders",
        "One color per subject: the same color for the folder, notebook and book cover. "
        "Show the student where each color lives in the desk.",
        "Unpacking, packing up, switching subjects.",
        "Colored folders and notebook covers",
        (ATT, SC),
    ),
    Starter(
        "Desk organization map",
        "Tape a photo of the tidy desk inside the lid or on the desk. At clean-up the "
        "student matches the desk to the photo.",
        "Clean-up and packing up.",
        "Photo of the organized desk, tape",
        (ATT,),
    ),
    # --- Self-care --------------------------------------------------------------------
    Starter(
        "Lunch container opening routine",
        "Practise the same steps every day: thumb under the lid edge, push up, lid on the "
        "tray. Wait before helping; if needed, loosen the lid and let the student finish.",
        "Lunch and snack.",
        "The student's own containers; a practice container",
        (SC, FM),
    ),
    Starter(
        "Unpacking routine card",
        "A picture card of the arrival steps: coat on the hook, folder in the bin, lunch in "
        "the basket, sit down. The student follows the card; the adult points, not talks.",
        "Arrival.",
        "Picture routine card by the cubby",
        (SC, TR),
    ),
    # --- Motor planning / gross motor -------------------------------------------------
    Starter(
        "Obstacle path warm-up",
        "A short path on the way to the next activity: step over, crawl under, hop twice. "
        "Show once, then let the student lead.",
        "Transitions, PE, recess, movement breaks.",
        "Tape lines, cones or chairs",
        (MP, SEN),
    ),
    Starter(
        "Line-up spot marker",
        "Mark the student's spot in line (tape or a floor dot) near the front or back, "
        "wherever they move best. Same spot every day.",
        "Lining up, hallway walking.",
        "Floor tape or dot",
        (MP, TR),
    ),
    # --- Transitions ------------------------------------------------------------------
    Starter(
        "Transition warning",
        "Give a 5-minute and a 1-minute warning before a change, the same words each time "
        "('5 minutes, then clean-up'). Show it on the timer too.",
        "Before every transition, especially leaving a preferred activity.",
        "Visual timer or warning card",
        (TR, ATT),
    ),
    Starter(
        "Transition object",
        "Give the student something to carry to the next place (the class pencil cup, a "
        "hall pass). It gives the hands a job and the walk a purpose.",
        "Moving between rooms: specials, lunch, dismissal.",
        "A small classroom object to carry",
        (TR, SEN),
    ),
    # --- Keyboarding / assistive technology -------------------------------------------
    Starter(
        "Typing practice",
        "Ten minutes a day on the typing program the OT set up, home row first. Stickers on "
        "F and J help the fingers find home without looking.",
        "Computer time, early finishers, instead of long copying tasks.",
        "Computer or tablet with keyboard, typing program, F/J bump stickers",
        (KB,),
    ),
    Starter(
        "Word prediction",
        "Turn on word prediction for written assignments. Show the student how to type the "
        "first letters and pick the word with a number key.",
        "Longer written work on the computer.",
        "Device with word prediction turned on",
        (KB, HW),
    ),
    Starter(
        "Speech-to-text for drafts",
        "Let the student dictate a first draft, then edit by typing. Find a quiet corner; "
        "show how to say punctuation ('period').",
        "Writing assignments longer than a few sentences.",
        "Device with speech-to-text, headset if available",
        (KB,),
    ),
    # --- Test-taking ------------------------------------------------------------------
    Starter(
        "Testing setup: breaks and quiet spot",
        "As the IEP allows: a seat away from the door, headphones, and a planned break card "
        "the student can use once per section without asking.",
        "Tests and assessments.",
        "Break card, headphones, a seat away from the door",
        (TT, SEN),
    ),
    Starter(
        "Answer-box test paper",
        "Give a copy of the test with large answer boxes (or write answers in the booklet "
        "instead of a bubble sheet, if allowed). One answer per box.",
        "Tests with written or bubbled answers.",
        "Box paper or an enlarged answer sheet",
        (TT, HW),
        BOX,
    ),
    # --- Older students: middle school, high school, transition (ages 12 to 22) --------
    Starter(
        "Planner check-out",
        "At the end of each class the student writes (or types) the assignment and due date "
        "in one planner; an adult or a peer initials it. Fade the check to once a day, then "
        "to Fridays, as the student keeps it up alone.",
        "Secondary classes with homework; the last minutes of a lecture or a lab.",
        "One planner or planner app, a highlighter for due dates",
        (ATT,),
    ),
    Starter(
        "One binder with color-coded sections",
        "Replace loose folders with one binder: a colored tab per class, a pocket for 'to "
        "hand in' at the front. Clean it out together every Friday (five minutes).",
        "Middle and high school: changing classes, handing in work.",
        "A 2-inch binder, tab dividers in class colors, a zip pouch",
        (ATT, SC),
    ),
    Starter(
        "Locker and passing-period plan",
        "Write which books to swap at which passing period on a card taped inside the "
        "locker; practise the combination with a set-up lock outside class time. Leave "
        "class a minute early only if the IEP allows.",
        "Class changes in a secondary school.",
        "Locker card, a practice combination lock",
        (TR, ATT, FM),
    ),
    Starter(
        "Guided notes on the laptop",
        "Give the lecture's outline as a document with blanks; the student types into the "
        "blanks during class. Check the touch-typing posture (feet flat, wrists level) once "
        "at the start.",
        "Lectures and note-taking in secondary classes.",
        "Laptop or tablet with keyboard, the teacher's outline with blanks",
        (KB, ATT, HW),
    ),
    Starter(
        "Self-advocacy card",
        "Together with the student, write the one or two accommodations they use and one "
        "sentence to ask for each ('May I type this instead?'). Role-play asking once; the "
        "student shows the card or says it to each new teacher.",
        "Older students, a new teacher or substitute, a new job site.",
        "Index card or phone note the student writes themselves",
        (SOC, ATT),
    ),
    Starter(
        "Sorting jig",
        "Set out labelled bins or a tray with outlined spaces, one item shape per space. "
        "Show one item into each, then let the student sort; count the finished sets "
        "together.",
        "Vocational tasks: sorting mail, hardware, recycling, sizes of clothing.",
        "Bins or a tray with outlined spaces, labels with a picture and a word",
        (FM, ATT),
    ),
    Starter(
        "Packaging step card",
        "Break the packaging job into 3 to 6 pictured steps (fold, fill, seal, label, stack); "
        "the student checks each step off for every package, then for every five.",
        "Vocational tasks: packaging, assembling kits, folding.",
        "Step card with photos, a finished model package to compare against",
        (FM, MP, ATT),
    ),
    Starter(
        "Workplace routine checklist",
        "A short checklist for the shift: arrive, clock in, put on the apron or badge, start "
        "task, break at the set time, clean up, clock out. The student checks it off; the "
        "job coach fades prompts to the checklist alone.",
        "Work tasks and job sites in a transition program.",
        "Checklist on a lanyard or phone, a watch or phone alarm for the break",
        (SC, TR, ATT),
    ),
    Starter(
        "Community outing plan",
        "Before the outing, go over the plan in pictures or a list: where, how to get there, "
        "what to buy or do, how to pay, what to do if it gets too loud. Take headphones and "
        "the list along.",
        "Community outings: the store, the bus, a café, a job site visit.",
        "A picture or written plan, money or a card, headphones",
        (SOC, SC, SEN, TR),
    ),
)
