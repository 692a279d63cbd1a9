// carecoop survey expressions on the phone: the trees carecoop.surveys.expressions.parse makes
// (sent as JSON, tuples as arrays: ["=", ["ref", "q1"], ["text", "yes"]]) evaluated exactly as
// the server evaluates them, so skip logic, constraints and calculations answer the same without
// a connection. A value is a text, a number, true or false, or a date ({day, iso}: days since
// 1970-01-01 when compared or subtracted, "YYYY-MM-DD" as text). Any rule changed in
// expressions.py changes here too: surveys/tests/test_expressions_browser.py compares the two.
(function () {
  "use strict";
  // Python's whitespace (str.split, str.strip), not JavaScript's \s: it has U+001C-U+001F and
  // U+0085, and not U+FEFF.
  const SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+";
  const SPACES = new RegExp(SPACE);
  const TRIM = new RegExp("^" + SPACE + "|" + SPACE + "$", "g");
  const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/; // as XPath writes a number (\d: ASCII digits only)
  const REGEX_TEXT = 500; // the characters of an answer a regular expression is tried on

  // "YYYY-MM-DD" as days since 1970-01-01, or NaN when it is no such day.
  function day(iso) {
    const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(iso);
    if (!m) return NaN;
    const d = new Date(0);
    d.setUTCFullYear(+m[1], m[2] - 1, +m[3]); // an impossible day rolls over, and fails below
    const real = +m[1] > 0 && d.getUTCMonth() === m[2] - 1 && d.getUTCDate() === +m[3];
    return real ? d.getTime() / 864e5 : NaN;
  }
  function date(iso) {
    return { day: day(iso), iso: iso };
  }

  function num(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    if (typeof v === "object") return v.day;
    const s = String(v).replace(TRIM, "");
    return NUMBER.test(s) ? Number(s) : day(s);
  }

  // An integer's exact digits, as Python's str(int(x)) writes them: toFixed is exact below 1e21;
  // above, the number is halved down to below 2**53 (exactly), then its digits doubled back.
  function whole(v) {
    if (Math.abs(v) < 1e21) return v.toFixed(0);
    let n = Math.abs(v), twos = 0;
    for (; n >= 2 ** 53; twos++) n /= 2;
    const digits = String(n).split("").reverse().map(Number); // the units first
    for (; twos > 0; twos--) {
      let carry = 0;
      for (let i = 0; i < digits.length; i++) {
        const d = digits[i] * 2 + carry;
        digits[i] = d % 10;
        carry = d > 9 ? 1 : 0;
      }
      if (carry) digits.push(1);
    }
    return (v < 0 ? "-" : "") + digits.reverse().join("");
  }

  function text(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "object") return v.iso;
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return whole(v);
    if (isNaN(v)) return "NaN";
    if (!isFinite(v)) return v > 0 ? "inf" : "-inf"; // Python's, where XPath has "Infinity"
    // Python's repr: the same shortest digits, with an exponent below 0.0001, of two digits or more.
    return Math.abs(v) < 1e-4 ? v.toExponential().replace(/e-(\d)$/, "e-0$1") : String(v);
  }

  // As XPath's boolean(), which for these values is JavaScript's: a number but 0 and NaN, a
  // text but "", true, and a date.
  function truth(v) {
    return Boolean(v);
  }

  function compare(op, a, b) {
    if (op === "=" || op === "!=") {
      const kinds = typeof a + " " + typeof b;
      const same = /boolean/.test(kinds) ? truth(a) === truth(b)
        : /number|object/.test(kinds) ? num(a) === num(b) : text(a) === text(b);
      return same === (op === "=");
    }
    const x = num(a), y = num(b);
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }

  // Half away from zero, to at most 15 places either side of the point.
  function round(v, digits) {
    if (!isFinite(v) || !isFinite(digits)) return isNaN(digits) ? NaN : v;
    const scale = Number("1e" + Math.max(-15, Math.min(15, Math.trunc(digits))));
    const scaled = Math.abs(v) * scale + 0.5;
    if (!isFinite(scaled)) return v;
    return Math.floor(scaled) * (1 / v < 0 ? -1 : 1) / scale; // the sign of v, even of -0
  }

  function words(v) {
    return text(v).split(SPACES).filter(Boolean);
  }

  // By characters ("u"), as Python's re; a pattern that flag refuses but Python takes ("\-",
  // "a{", "]") read without it; one neither reads matches nothing.
  function regex(subject, pattern) {
    const p = text(pattern);
    let re;
    try {
      re = new RegExp(p, "u");
    } catch (error) {
      try {
        re = new RegExp(p);
      } catch (again) {
        return false;
      }
    }
    return re.test(Array.from(text(subject)).slice(0, REGEX_TEXT).join(""));
  }

  function evaluate(tree, answers, self, today) {
    const own = Object.prototype.hasOwnProperty;
    // today() is the day given, or this phone's (as the server's is its own).
    const here = new Date(Date.now() - new Date().getTimezoneOffset() * 6e4);
    const now = date(today || here.toISOString().slice(0, 10));

    function value(node) {
      const kind = node[0];
      if (kind === "number" || kind === "text") return node[1];
      if (kind === "ref") {
        const found = answers && own.call(answers, node[1]) ? answers[node[1]] : null;
        return found == null ? "" : found;
      }
      if (kind === "self") return self == null ? "" : self;
      if (kind === "neg") return -num(value(node[1]));
      if (kind === "call") return call(node[1], node.slice(2));
      const left = value(node[1]);
      if (kind === "and") return truth(left) && truth(value(node[2]));
      if (kind === "or") return truth(left) || truth(value(node[2]));
      const right = value(node[2]);
      if (/^[=!<>]/.test(kind)) return compare(kind, left, right);
      const a = num(left), b = num(right);
      if (kind === "+") return a + b;
      if (kind === "-") return a - b;
      if (kind === "*") return a * b;
      if (isNaN(a) || isNaN(b)) return NaN;
      // By zero: no number, or an infinity of the sign of the number divided (not of the zero's).
      if (b === 0) return kind === "mod" || a === 0 ? NaN : a > 0 ? Infinity : -Infinity;
      if (kind === "div") return a / b;
      return isFinite(a) ? a % b : NaN; // % is C's fmod, as Python's math.fmod
    }

    function call(name, args) {
      if (name === "if") return truth(value(args[0])) ? value(args[1]) : value(args[2]);
      const got = args.map(value);
      const first = got[0];
      switch (name) {
        case "selected": return words(first).includes(text(got[1]));
        case "count-selected": return words(first).length;
        case "not": return !truth(first);
        case "today": return now;
        case "string-length": return Array.from(text(first)).length; // characters, not UTF-16 units
        case "coalesce": return text(first) !== "" ? first : got[1];
        case "int": {
          const n = num(first);
          return isFinite(n) ? Math.trunc(n) + 0 : n; // + 0: no -0, as Python's int has none
        }
        case "number": return num(first);
        case "round": return round(num(first), got.length > 1 ? num(got[1]) : 0);
        case "concat": return got.map(text).join("");
        case "true": return true;
        case "false": return false;
        default: return regex(first, got[1]);
      }
    }

    return value(tree);
  }

  window.carecoopXPath = {
    evaluate: evaluate,
    holds: (tree, answers, self, today) => truth(evaluate(tree, answers, self, today)),
    truth: truth,
    text: text,
  };
})();
