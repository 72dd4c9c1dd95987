#include "onus/evidence/evidence_item.h"

namespace onus::evidence {

Grade ParseGrade(const std::string& text) {
  Grade g;
  if (text.size() != 2) return g;
  char s = text[0];
  if (s >= 'a' && s <= 'z') s = static_cast<char>(s - 'a' + 'A');
  if (s < 'A' || s > 'F' || text[1] < '1' || text[1] > '6') return g;
  g.source = s;
  g.info = text[1] - '0';
  g.valid = true;
  return g;
}

double GradeWeight(const Grade& g) {
  double w = 0.2;
  switch (g.source) {
    case 'A': w = 1.0; break;
    case 'B': w = 0.85; break;
    case 'C': w = 0.6; break;
    case 'D': w = 0.3; break;
    case 'E': w = 0.1; break;
    default: w = 0.2; break;  // F: reliability cannot be judged
  }
  if (!g.valid) return 0.2 * 0.5;
  switch (g.info) {
    case 4: return w * 0.7;
    case 5: return w * 0.4;
    case 6: return w * 0.5;
    default: return w;
  }
}

double GradeWeight(const std::string& text) { return GradeWeight(ParseGrade(text)); }

std::string BetterGrade(const std::string& a, const std::string& b) {
  return GradeWeight(b) > GradeWeight(a) ? b : a;
}

}  // namespace onus::evidence
