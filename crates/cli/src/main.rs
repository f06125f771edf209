//! `fedshare`: the command-line interface over the Fedshare engine.

fn main() {
    println!("fedshare");
}
