// The RFC 2180 policy matrix: one value that selects the server's behaviour for each multi-access case.
// Parses from and prints to one line, e.g. "delete=ghost rename=inplace fetch=nil store=partial copy=snapshot".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imaplab::model {

struct Policy {
  enum class Delete { Fail, Ghost, Bye };                   // RFC 2180 §3.1, §3.2, §3.3
  enum class Rename { Fail, Bye, Inplace };                 // §3.1, §3.3, §3.4
  enum class Fetch { Ghost, No, Nil, RefuseExpunge };       // §4.1.1, §4.1.2, §4.1.3, §4.1.4
  enum class Store { Partial, None };                       // §4.2.3, §4.2.4
  enum class Copy { Fail, Snapshot };                       // §4.4.1, §4.4.2
  Delete del = Delete::Ghost;
  Rename rename = Rename::Inplace;
  Fetch fetch = Fetch::Nil;
  Store store = Store::Partial;
  Copy copy = Copy::Snapshot;
  bool newname_code = true;  // rename=inplace: answer commands naming the old name with [NEWNAME old new]

  bool operator==(const Policy&) const = default;

  // "delete=ghost rename=inplace fetch=nil store=partial copy=snapshot"; missing keys keep defaults.
  static std::optional<Policy> parse(std::string_view text, std::string* error = nullptr);
  std::string to_string() const;
  // Every combination of the matrix, in a fixed order (for hunts that sweep policies).
  static std::vector<Policy> all();
};

}  // namespace imaplab::model
