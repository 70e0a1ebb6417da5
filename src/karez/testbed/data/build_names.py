"""Build `names.yaml`, the testbed's lexicon of Uyghur given names (run by hand, not at runtime).

    .venv/bin/python src/karez/testbed/data/build_names.py

The ULY spellings and the order by commonness are curated below. Chinese-character forms are
curated for the most common names (`CURATED`, the forms in public use) and otherwise written
by syllable rules in the style of the Xinjiang standard DB65/T 2189-2005 (one character per
open syllable; final t 提, r 尔, m 木, p 甫, l 力, k/q 克, s 斯, z 孜; -jan 江, -xan 汗,
-gül 古丽, -nisa 尼沙, Abdu- 阿不都). Homophone variants come from the same syllable table's
alternatives. Pinyin is that of the characters (pypinyin, a test-time dependency).
See docs/testbed.md, "The name lexicon".
"""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from karez.testbed.scripts import english_spelling, syllables, turkish_spelling

MALE = """
Memet Ehmet Tursun Abdulla Abdukérim Abdureshit Abdurehim Abdurehman Ablimit Hesen Hüseyin
Osman Ömer Yasin Obul Rozi Qurban Niyaz Mehmut Muhemmed Abliz Abdusalam Abduqadir Abdughopur
Abdumijit Abdusemet Abduweli Abduxaliq Abdujélil Abdushükür Ibrahim Ismayil Yüsüp Yaqup Musa
Isa Imin Eli Seypulla Nurmemet Toxti Turghun Turdi Tahir Talip Sadiq Sabir Sabit Salih Seyit
Semet Sultan Shemshidin Shawket Perhat Polat Pazil Qeyser Qasim Qeyyum Rustem Nurmuhemmed Nurali
Nijat Nesrulla Mijit Mirzat Mutellip Muxtar Lutpulla Hoshur Helil Hamut Hapiz Gheyret Dilmurat
Dolqun Ekber Eset Eziz Abdughéni Abdulhekim Abdumutellip Abdumenan Abdubasit Abdurazaq
Abdusattar Ablet Ablikim Ablajan Abla Abduqeyyum Arslan Ayup Azat Barat Batur Bekri Bilal Dawut
Elijan Enwer Erkin Ekrem Ilham Ilyas Idris Iminjan Memtimin Memtili Metniyaz Metqurban
Rozimemet Qurbanjan Tayir Adil Alim Alimjan Kérim Rehim Salam Jappar Sattar Ghappar Kamil Ghalip
Ghulam Hamit Hashim Hekim Hemdulla Xudaberdi Ibadulla Kérimjan Mahir Memeteli Merdan Mewlan
Musajan Nasir Nezer Nurulla Obulqasim Ömerjan Osmanjan Qahar Qadirjan Qasimjan Rozaxun Sadir
Sawut Sayim Seydulla Shöhret Tewpiq Turghunjan Wahit Weli Yalqun Yunus Zahir Zakir Zunun Zeydin
Xalmurat Xaliq Ghoja Ghéni Heyrulla Ikram Islam Jamal Jalalidin Qudret Nasirdin Reshit Rejep
Saypidin Sidiq Ubaydulla Urayim Yasinjan Ziya Zulpiqar Zordun Zeynidin Abdulhemit Azimet
Bawudun Ehmetjan Emin Ershidin Jüme Metrozi Mutiulla Nebi Nuri Nurmet Pattar Polatjan Rozmet
Sherip Téyip Zakirjan Memetjan Abduhélil Tursunjan Mettursun Ruzimemet Qadir Kamal Mexsut
Abduraxman Memettursun Ghopur Niyazbeg Qeyserjan Anwar
"""

FEMALE = """
Ayshem Aygül Patigül Ayimnisa Mayinur Gülnar Reyhangül Buhelchem Halchem Zöhre Rabiye Roshengül
Nurgül Tursunay Tursungül Ayjamal Aynur Gülzar Gülbahar Gülnisa Gülshen Gülsüm Gülmire
Gülbostan Gülhumar Gülchéhre Gülzire Mihrigül Mihray Meryem Merhaba Meryemgül Muherrem Munire
Mukerrem Nurnisa Nurbiye Nezire Nigare Nuriye Patime Pezilet Perizat Qimengül Rahile Reyhan
Risalet Rizwangül Roziye Sajide Saniye Sanawer Sahibjamal Sumeye Subinur Tajigül Tumaris
Tursunnisa Xeyrinisa Hebibe Hepize Humar Kamile Kelbinur Latipe Mahinur Melike Mesture Minewer
Muyesser Nazugum Nazigül Qewser Rahime Rena Renagül Reziye Salamet Sekine Selime Sheripe
Shemsiye Tajinisa Zeynep Zeytune Zubeyde Zulpiye Zulhumar Zumret Amine Amangül Anargül Arzugül
Asiye Bahar Bahargül Buayshem Buzeynep Bumeryem Dilber Dilnur Dilraba Gülsenem Hajer Hamide
Hawagül Hörnisa Jennet Jewhere Nilufer Rukiye Sabire Saliye Yultuz Xadiche Güljamal Gülnur
Ayxan Aziye Ayzire Aytilla Gülayim Mahigül Merziye Nazire Pakize Perwin Sheker Ulzat Xalide
Xanzade Xayire Xurshide Zilala Patemxan Adile Almigül Aminem Ayshegül Buhejer Buxelchem
Ehmetxan Gülshat Gülzat Helime Ismigül Kamalxan Maynur Mehbube Mehriban Mömine Nezaket
Nurjamal Nurangül Pasxan Qurbangül Rabigül Reshide Rozigül Seniye Shahide Tuniyaz Turnisa
Tursunbüwi Zahide Zeynure Zinnet Zörem Gülpiye Hanzöhre Ranagül Sayragül
"""

# Chinese forms in public use for the commonest names (first = most frequent form).
CURATED: dict[str, list[str]] = {
    "Memet": ["买买提", "麦麦提", "买买体"], "Ehmet": ["艾合买提", "艾买提", "艾合麦提"],
    "Tursun": ["吐尔逊", "图尔逊", "吐尔孙"], "Abdulla": ["阿卜杜拉", "阿不都拉", "阿布都拉"],
    "Abdukérim": ["阿不都克力木", "阿卜杜克里木", "阿布都克日木"],
    "Abdureshit": ["阿不都热西提", "阿卜杜热西提", "阿布都热西提"],
    "Abdurehim": ["阿不都热依木", "阿卜杜热依木", "阿布都热衣木"],
    "Abdurehman": ["阿不都热合曼", "阿卜杜热合曼", "阿布都热合曼"],
    "Ablimit": ["阿不力米提", "阿布力米提", "阿卜力米提"], "Hesen": ["艾山", "哈森", "海森"],
    "Hüseyin": ["玉散", "胡赛因", "吾斯音"], "Osman": ["吾斯曼", "乌斯曼", "奥斯曼"],
    "Ömer": ["吾买尔", "乌麦尔", "吾麦尔"], "Yasin": ["亚森", "亚生", "雅森"],
    "Obul": ["吾布力", "乌布力", "吾甫尔"], "Rozi": ["肉孜", "如孜", "柔孜"],
    "Qurban": ["库尔班", "库尔办", "克尔班"], "Niyaz": ["尼亚孜", "尼牙孜", "尼亚兹"],
    "Mehmut": ["买合木提", "麦合木提", "马合木提"], "Muhemmed": ["穆罕默德", "木合买提", "买买提"],
    "Abliz": ["阿不力孜", "阿布力孜", "阿卜力孜"], "Abdusalam": ["阿不都沙拉木", "阿卜杜萨拉木"],
    "Abduqadir": ["阿不都卡德尔", "阿卜杜喀迪尔", "阿布都卡地尔"],
    "Abdughopur": ["阿不都吾甫尔", "阿卜杜吾甫尔"], "Abdumijit": ["阿不都米吉提", "阿卜杜米吉提"],
    "Abduweli": ["阿不都外力", "阿卜杜外力", "阿布都维力"],
    "Abdushükür": ["阿不都许库尔", "阿卜杜许库尔"], "Ibrahim": ["伊布拉音", "依不拉音", "伊卜拉欣"],
    "Ismayil": ["伊斯马伊力", "依斯马依力", "司马义"], "Yüsüp": ["玉素甫", "玉苏甫", "尤素甫"],
    "Yaqup": ["亚库甫", "雅库甫", "牙库甫"], "Musa": ["木沙", "穆萨", "木萨"],
    "Isa": ["依沙", "伊萨", "艾沙"], "Imin": ["依明", "伊敏", "依米尼"],
    "Eli": ["艾力", "阿里", "艾丽"], "Seypulla": ["赛甫拉", "赛普拉", "塞甫拉"],
    "Nurmemet": ["努尔买买提", "努尔麦麦提"], "Toxti": ["托合提", "托乎提", "吐合提"],
    "Turghun": ["吐尔洪", "图尔洪", "吐尔浑"], "Turdi": ["吐尔地", "图尔迪", "吐尔迪"],
    "Tahir": ["塔伊尔", "塔依尔", "塔希尔"], "Sadiq": ["沙迪克", "萨迪克", "沙地克"],
    "Sabir": ["沙比尔", "萨比尔"], "Semet": ["赛买提", "司马提", "赛麦提"],
    "Perhat": ["帕尔哈提", "排尔哈提", "帕哈提"], "Polat": ["坡拉提", "波拉提", "博拉提"],
    "Dilmurat": ["迪力木拉提", "地里木拉提", "迪里木拉提"], "Adil": ["阿迪力", "阿地力", "阿迪里"],
    "Erkin": ["艾尔肯", "艾尔坎", "尔肯"], "Enwer": ["安外尔", "艾尼瓦尔", "艾尼外尔"],
    "Kérim": ["克力木", "克里木", "克日木"], "Memtimin": ["买买提明", "麦提敏", "买提明"],
    "Ayshem": ["阿依先木", "阿伊先木", "阿依仙木"], "Aygül": ["阿依古丽", "阿伊古丽", "阿依古力"],
    "Patigül": ["帕提古丽", "帕蒂古丽", "帕提古力"], "Ayimnisa": ["阿依木尼沙", "阿衣木妮萨"],
    "Mayinur": ["麦尼努尔", "玛依努尔", "买依努尔"], "Gülnar": ["古丽娜尔", "古力娜尔", "古丽纳尔"],
    "Reyhangül": ["热依汗古丽", "热衣汗古丽"], "Buhelchem": ["布海力其汗", "布合力其木"],
    "Halchem": ["哈力其汗", "哈丽琴"], "Zöhre": ["祖合热", "祖赫拉", "佐合热"],
    "Rabiye": ["热比娅", "热比亚", "拉比亚"], "Roshengül": ["肉先古丽", "柔仙古丽"],
    "Nurgül": ["努尔古丽", "努古丽", "努尔古力"], "Tursunay": ["吐尔逊阿依", "图尔荪阿依"],
    "Tursungül": ["吐尔逊古丽", "吐逊古丽"], "Ayjamal": ["阿依加马丽", "阿依佳玛丽"],
    "Aynur": ["阿依努尔", "阿伊努尔"], "Gülzar": ["古丽扎尔", "古力扎尔"],
    "Gülbahar": ["古丽巴哈尔", "古丽巴哈"], "Meryem": ["麦尔耶姆", "买热木", "玛丽亚木"],
    "Patime": ["帕提曼", "帕提玛", "帕蒂曼"], "Rahile": ["热依拉", "拉伊拉", "热合拉"],
    "Zeynep": ["再乃甫", "再娜甫", "再纳甫"], "Mihrigül": ["米合日古丽", "米日古丽"],
    "Dilber": ["迪丽拜尔", "地里拜尔", "迪力拜尔"], "Dilnur": ["迪丽努尔", "地力努尔"],
    "Dilraba": ["迪丽热巴", "迪力热巴"], "Amine": ["阿米乃", "阿米娜"],
    "Hebibe": ["海比拜", "哈比巴"], "Rena": ["热娜", "热那"], "Yultuz": ["玉图孜", "尤拉吐孜"],
}  # fmt: skip

# open syllables: onset -> vowel -> characters (first = usual, rest = homophone variants)
V = "a e é i o u ö ü".split()
OPEN: dict[str, list[str]] = {
    "": ["阿", "艾|阿", "依|伊", "依|伊", "奥|吾", "吾|乌", "吾|乌", "玉|吾"],
    "b": ["巴", "拜|白", "拜", "比|毕", "博|波", "布|不", "布", "布"],
    "p": ["帕", "排|帕", "排", "皮|匹", "坡", "普|甫", "普", "普"],
    "t": ["塔", "台|泰", "铁", "提|体", "托", "吐|图", "托", "吐|图"],
    "j": ["加|佳", "杰|吉", "杰", "吉|基", "卓", "朱|居", "居", "居"],
    "ch": ["恰", "切|其", "切", "其|奇", "乔", "丘", "曲", "曲"],
    "x": ["哈", "海|合", "海", "希|西", "霍", "胡|乎", "胡", "胡"],
    "d": ["达", "代|德", "代", "迪|地", "多", "都|杜", "都", "都"],
    "r": ["热|拉", "热|日", "热", "日|里", "肉|若", "如|鲁", "如", "如"],
    "z": ["扎", "再|则", "再", "孜|兹", "佐", "祖", "祖", "祖"],
    "zh": ["加", "热", "热", "日", "卓", "如", "如", "如"],
    "s": ["萨|沙", "赛|色", "赛", "斯|司", "索", "苏|素", "苏", "苏|素"],
    "sh": ["夏|沙", "谢|协", "谢", "西|希", "少|肖", "舒|书", "许", "许"],
    "gh": ["哈|尕", "海", "海", "吉", "霍", "乎|胡", "乎", "乎"],
    "f": ["帕|法", "排", "排", "皮", "坡", "甫", "甫", "甫"],
    "q": ["卡|喀", "开|凯", "开", "克|奇", "阔|库", "库|苦", "库", "库"],
    "k": ["卡", "克|开", "凯", "克|吉", "科", "库", "阔|库", "库"],
    "g": ["尕|嘎", "格|盖", "格", "吉", "果", "古|姑", "古", "古|姑"],
    "l": ["拉", "来|莱", "莱", "力|丽|里", "洛", "鲁|卢", "鲁", "鲁"],
    "m": ["玛|马", "买|麦", "麦", "米|咪", "莫", "木|穆", "木", "木|穆"],
    "n": ["娜|纳", "乃|奈", "乃", "尼|妮", "诺", "努|奴", "努", "努"],
    "ng": ["昂", "恩", "恩", "宁", "农", "农", "农", "农"],
    "h": ["哈", "海|合", "海", "希|西", "霍", "胡|乎", "胡", "胡"],
    "w": ["瓦|娃", "外|维", "维", "维|威", "沃", "吾", "吾", "吾"],
    "y": ["亚|雅", "耶|叶", "叶", "依|伊", "尤|约", "尤|玉", "玉", "玉"],
}  # fmt: skip
CODA = {
    "t": "提|体", "r": "尔", "m": "木|姆", "p": "甫|普", "k": "克|可", "q": "克|喀", "l": "力|丽",
    "s": "斯|司", "sh": "什|西", "z": "孜|兹", "x": "合|赫", "h": "合|赫", "d": "德|地",
    "b": "甫|布", "g": "格", "j": "吉", "ch": "其", "y": "依|伊", "w": "吾", "ng": "昂",
    "gh": "合", "f": "甫", "n": "恩|尼", "zh": "日",
}  # fmt: skip
NASAL = {  # onset + vowel + n
    "an": "安", "ban": "班", "pan": "潘", "tan": "坦", "jan": "江|疆", "xan": "汗|罕",
    "han": "汗|罕", "dan": "丹", "ran": "然", "san": "散|三", "shan": "尚|山", "man": "曼|满",
    "nan": "南", "lan": "兰", "qan": "坎", "kan": "坎", "gan": "甘", "yan": "燕|彦", "wan": "万",
    "en": "恩|艾尼", "sen": "森|山", "ren": "仁|热尼", "men": "门|曼", "len": "连|林",
    "ten": "天|坦", "jen": "坚", "xen": "汗", "hen": "汗", "in": "因|音", "min": "明|敏",
    "din": "丁|定", "lin": "林|琳", "nin": "宁", "jin": "金|进", "tin": "丁", "sin": "辛|新",
    "yin": "音|银", "kin": "肯|金", "qin": "钦", "rin": "仁", "un": "温", "sun": "逊|荪",
    "lun": "伦", "dun": "顿|敦", "qun": "坤", "kun": "坤", "gun": "衮", "run": "润",
    "ün": "温|云", "yün": "云", "ön": "恩", "én": "恩", "on": "翁", "don": "东", "zun": "尊",
}  # fmt: skip
PREFIX = {"abdu": "阿不都|阿卜杜|阿布都", "nur": "努尔|努", "tursun": "吐尔逊|图尔荪",
          "memet": "买买提|麦麦提", "met": "买提|麦提", "rozi": "肉孜|如孜", "ab": "阿不|阿布",
          "gül": "古丽|古力"}
SUFFIX = {"gül": "古丽|古力|姑丽", "jan": "江|疆", "xan": "汗|罕", "nisa": "尼沙|妮萨|尼萨",
          "jamal": "加马丽|佳玛丽", "büwi": "布维|布威", "ay": "阿依|阿伊"}


def _alternatives(spec: str) -> list[str]:
    return spec.split("|")


def transcribe_word(uly: str) -> list[str]:
    """Chinese-character forms of one ULY name, by syllable rules; first = the usual form."""
    low = uly.lower()
    head: list[str] = [""]
    tail: list[str] = [""]
    for prefix in sorted(PREFIX, key=len, reverse=True):
        if low.startswith(prefix) and len(low) > len(prefix) + 1:
            head, low = _alternatives(PREFIX[prefix]), low[len(prefix):]
            break
    for suffix in sorted(SUFFIX, key=len, reverse=True):
        if low.endswith(suffix) and len(low) > len(suffix) + 1:
            tail, low = _alternatives(SUFFIX[suffix]), low[: -len(suffix)]
            break
    parts: list[list[str]] = []
    split = syllables(low)
    for at, syllable in enumerate(split):
        # A doubled consonant (Abdulla, Muhemmed) is written once in characters.
        if at + 1 < len(split) and len(syllable) > 1 and syllable[-1] == split[at + 1][0]:
            syllable = syllable[:-1]
        vowel_at = next((i for i, letter in enumerate(syllable) if letter in "aeéiouöü"), None)
        if vowel_at is None:
            parts.append([CODA.get(letter, "").split("|")[0] for letter in syllable])
            continue
        onset = "".join(syllable[:vowel_at])
        vowel = syllable[vowel_at]
        coda = syllable[vowel_at + 1 :]
        if coda[:1] == ["n"] and (onset + vowel + "n") in NASAL:
            parts.append(_alternatives(NASAL[onset + vowel + "n"]))
            coda = coda[1:]
        else:
            row = OPEN.get(onset, OPEN[""])
            parts.append(_alternatives(row[V.index(vowel)]))
        for letter in coda:
            parts.append(_alternatives(CODA[letter]))
    forms: list[str] = []
    for combo in itertools.islice(itertools.product(head, *parts, tail), 0, 64):
        form = "".join(combo)
        if form not in forms:
            forms.append(form)
    # The usual form first, then the variants that differ in one syllable (homophones).
    usual = forms[0]
    others = sorted(forms[1:], key=lambda f: (sum(a != b for a, b in zip(usual, f, strict=False)), f))
    return [usual, *others[:3]]


def entry(uly: str, sex: str) -> dict:
    chinese = CURATED.get(uly) or transcribe_word(uly)
    english = english_spelling(uly)
    turkish = turkish_spelling(uly)
    latin = [english] + [s for s in (turkish,) if s != english]
    return {
        "uly": uly,
        "sex": sex,
        "chinese": chinese,
        "pinyin": ["".join(lazy_pinyin(form)).capitalize() for form in chinese],
        "latin": latin,
    }


def main() -> None:
    males, females = MALE.split(), FEMALE.split()
    assert len(set(males)) == len(males), [n for n in males if males.count(n) > 1]
    assert len(set(females)) == len(females), [n for n in females if females.count(n) > 1]
    names = [entry(n, "M") for n in males] + [entry(n, "F") for n in females]
    header = (
        "# Uyghur given names for the karez testbed (synthetic data generator).\n"
        "# Generated by build_names.py; ordered by commonness within each sex (rank drives the\n"
        "# frequency model). chinese[0] is the usual transcription, the rest variants in use or\n"
        "# homophone variants; pinyin is of each chinese form; latin = English, Turkish spelling.\n"
        "# Uyghur Arabic script is derived from `uly` at load time (karez.testbed.scripts).\n"
    )
    text = header + yaml.safe_dump({"names": names}, allow_unicode=True, sort_keys=False, width=200)
    Path(__file__).with_name("names.yaml").write_text(text, encoding="utf-8")
    print(f"{len(males)} male, {len(females)} female names")


if __name__ == "__main__":
    main()
